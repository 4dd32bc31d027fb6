// SPDX-License-Identifier: MIT
#include "tests/support/process.hpp"

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace trialwatch::testing {

namespace {

// Start `argv` with `extra_env`, stdin from /dev/null and stdout and stderr into `capture`; return its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
            std::FILE* capture) {
  const int capture_fd = fileno(capture);
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    if (extra_env.count(text.substr(0, text.find('='))) == 0) environment.push_back(text);
  }
  for (const auto& [name, value] : extra_env) environment.push_back(name + "=" + value);
  std::vector<char*> env_pointers;
  for (auto& entry : environment) env_pointers.push_back(entry.data());
  env_pointers.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (auto& arg : args) arg_pointers.push_back(arg.data());
  arg_pointers.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, capture_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, capture_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, args.front().c_str(), &actions, nullptr, arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + args.front());
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

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
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  ProcessResult result{exit_code_of(status), read_all(capture)};
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
    int status = 0;
    waitpid(m_pid, &status, 0);
  }
  std::fclose(m_capture);
}

void ChildProcess::send(int signal) const { ::kill(m_pid, signal); }

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!m_exit_code) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_exit_code = exit_code_of(status);
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
