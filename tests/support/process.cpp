// SPDX-License-Identifier: MIT
#include "tests/support/process.hpp"

#include "core/process.hpp"

#include <csignal>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace trialwatch::testing {

namespace {

// Start `argv` with `extra_env`, stdin from /dev/null and stdout and stderr into `capture`; return its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
            std::FILE* capture) {
  std::vector<std::string> overrides;
  for (const auto& [name, value] : extra_env) overrides.push_back(name + "=" + value);
  core::SpawnSpec spec{argv, core::environment_with(overrides)};
  spec.stdin_fd = core::SpawnSpec::k_dev_null;
  spec.stdout_fd = spec.stderr_fd = fileno(capture);
  const auto pid = core::spawn(spec);
  if (!pid) throw std::runtime_error(pid.error().message);
  return *pid;
}

std::string read_all(std::FILE* capture) {
  std::string text;
  char buffer[4096];
  off_t at = 0;
  ssize_t n = 0;
  while ((n = pread(fileno(capture), buffer, sizeof buffer, at)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
    at += n;
  }
  return text;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env) {
  std::FILE* capture = std::tmpfile();
  if (capture == nullptr) throw std::runtime_error("cannot create a capture file");
  pid_t pid = 0;
  try {
    pid = spawn(argv, extra_env, capture);
  } catch (...) {
    std::fclose(capture);
    throw;
  }
  const auto ended = core::wait_for_exit(pid);
  ProcessResult result{ended ? ended->shell_code() : -1, read_all(capture)};
  std::fclose(capture);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                           Stderr stderr_kind)
    : m_capture(std::tmpfile()) {
  if (m_capture == nullptr) throw std::runtime_error("cannot create a capture file");
  try {
    auto environment = extra_env;
    struct stat capture {};
    if (stderr_kind == Stderr::journal && fstat(fileno(m_capture), &capture) == 0)
      environment["JOURNAL_STREAM"] = std::to_string(capture.st_dev) + ":" + std::to_string(capture.st_ino);
    m_pid = spawn(argv, environment, m_capture);
  } catch (...) {
    std::fclose(m_capture);
    throw;
  }
}

ChildProcess::~ChildProcess() {
  if (!m_exit_code) {
    ::kill(m_pid, SIGKILL);
    (void)core::wait_for_exit(m_pid);
  }
  std::fclose(m_capture);
}

void ChildProcess::send(int signal) const { ::kill(m_pid, signal); }

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!m_exit_code) {
    const auto ended = core::poll_exit(m_pid);
    if (!ended || *ended) {
      m_exit_code = ended ? (*ended)->shell_code() : -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return m_exit_code;
}

std::string ChildProcess::output() const { return read_all(m_capture); }

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (output().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace trialwatch::testing
