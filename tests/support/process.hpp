// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace trialwatch::testing {

// What a finished child process left behind.
struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when a signal ended it
  std::string output;  // stdout and stderr, interleaved
};

// Run `argv` as a child process (no shell) with `extra_env` added to this process's environment, wait for it,
// and return its exit code and output. Throw std::runtime_error if it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& extra_env = {});

}  // namespace trialwatch::testing
