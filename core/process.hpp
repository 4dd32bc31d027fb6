// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace trialwatch::core {

// What a child process is started with (posix_spawn, no shell, no PATH search).
struct SpawnSpec {
  // Where a standard stream of the child comes from or goes to: this process's own, /dev/null, or a descriptor.
  static constexpr int k_inherit = -1;
  static constexpr int k_dev_null = -2;

  std::vector<std::string> argv;                // argv[0] is the program's path
  std::optional<std::vector<std::string>> env;  // NAME=value entries; nothing: this process's environment
  int stdin_fd = k_inherit;
  int stdout_fd = k_inherit;
  int stderr_fd = k_inherit;
};

// How a child process ended.
struct ExitStatus {
  int code = 0;    // its exit status, when no signal ended it
  int signal = 0;  // the signal that ended it, or 0
  // Return the status as a shell reports it: the exit status, or 128 + the signal.
  int shell_code() const noexcept { return signal != 0 ? 128 + signal : code; }
};

// Start `spec`; return the child's pid, or an io error naming the program and the reason.
Result<pid_t> spawn(const SpawnSpec& spec);

// Wait for the child `pid` to end (waitpid, retried on EINTR only); an io error if it cannot be waited for (it is
// not our child, for example).
Result<ExitStatus> wait_for_exit(pid_t pid);

// Return how the child `pid` ended if it has, nothing if it is still running; errors as wait_for_exit().
Result<std::optional<ExitStatus>> poll_exit(pid_t pid);

// Return this process's environment with `overrides` (NAME=value) replacing or adding entries of the same name.
std::vector<std::string> environment_with(const std::vector<std::string>& overrides);

}  // namespace trialwatch::core
