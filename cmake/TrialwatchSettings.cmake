# SPDX-License-Identifier: MIT
# Language level, build-type flags and sanitizers, as an INTERFACE target linked by first-party code only.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

add_library(tw_settings INTERFACE)
target_compile_definitions(tw_settings INTERFACE
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>
  TRIALWATCH_VERSION="${PROJECT_VERSION}")
target_include_directories(tw_settings INTERFACE "${PROJECT_SOURCE_DIR}")

if(TRIALWATCH_SANITIZE)
  string(REPLACE ";" "," trialwatch_sanitizers "${TRIALWATCH_SANITIZE}")
  target_compile_options(tw_settings INTERFACE -fsanitize=${trialwatch_sanitizers} -fno-omit-frame-pointer
                                               -fno-sanitize-recover=all)
  target_link_options(tw_settings INTERFACE -fsanitize=${trialwatch_sanitizers})
endif()
