// SPDX-License-Identifier: MIT
#pragma once

#include "tests/support/process.hpp"

#include <map>
#include <string>
#include <vector>

namespace trialwatch::testing {

// Run `argv` (no shell) on a new pseudo-terminal `columns` wide, with `extra_env` added to this process's
// environment; wait for it and return its exit code and what it wrote to the terminal (stdout and stderr, the
// terminal's CR LF line ends turned back into LF). Throw std::runtime_error if it cannot be started.
ProcessResult run_on_terminal(const std::vector<std::string>& argv, unsigned short columns,
                              const std::map<std::string, std::string>& extra_env = {});

}  // namespace trialwatch::testing
