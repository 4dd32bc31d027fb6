# SPDX-License-Identifier: MIT
# The warning set of every first-party target; -Werror in dev mode (a git checkout, CI).
add_library(tw_warnings INTERFACE)
target_compile_options(tw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(TRIALWATCH_DEV_MODE)
  target_compile_options(tw_warnings INTERFACE -Werror)
endif()
