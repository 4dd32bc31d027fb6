// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
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

// A child process running in the background (no shell), its stdout and stderr captured to a file that can be
// read while it runs. Killed (SIGKILL) if still running when destroyed.
class ChildProcess {
 public:
  // How the child's stderr is presented.
  enum class Stderr { plain, journal };  // journal: JOURNAL_STREAM names the capture file, as systemd does

  // Start `argv` with `extra_env` added to this process's environment; throw std::runtime_error if it cannot.
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env = {},
               Stderr stderr_kind = Stderr::plain);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Return the child's process id.
  pid_t pid() const noexcept { return m_pid; }
  // Send `signal` to the child.
  void send(int signal) const;
  // Wait up to `timeout` for the child to end; return its exit code (128 + signal if a signal ended it), or
  // nothing if it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // Return everything the child wrote so far.
  std::string output() const;
  // Wait up to `timeout` until the output contains `text`; return whether it does.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  pid_t m_pid = -1;
  std::FILE* m_capture = nullptr;
  std::optional<int> m_exit_code;
};

}  // namespace trialwatch::testing
