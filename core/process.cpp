// SPDX-License-Identifier: MIT
#include "core/process.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace trialwatch::core {

namespace {

// Owns a posix_spawn_file_actions_t.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&m_actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&m_actions); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;

  // Connect the child's descriptor `target` as `source` says (SpawnSpec's k_inherit, k_dev_null or a descriptor).
  void connect(int target, int source, int dev_null_flags) {
    if (source == SpawnSpec::k_dev_null)
      posix_spawn_file_actions_addopen(&m_actions, target, "/dev/null", dev_null_flags, 0);
    else if (source >= 0)
      posix_spawn_file_actions_adddup2(&m_actions, source, target);
  }
  const posix_spawn_file_actions_t* get() const { return &m_actions; }

 private:
  posix_spawn_file_actions_t m_actions{};
};

// Pointers to the strings of `items`, ending in a null pointer, as exec wants them.
std::vector<char*> pointers(std::vector<std::string>& items) {
  std::vector<char*> out;
  for (auto& item : items) out.push_back(item.data());
  out.push_back(nullptr);
  return out;
}

ExitStatus exit_status(int status) {
  return WIFEXITED(status) ? ExitStatus{WEXITSTATUS(status), 0} : ExitStatus{0, WTERMSIG(status)};
}

}  // namespace

Result<pid_t> spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) return Error{Error::Code::invalid_input, "no program to run"};
  FileActions actions;
  actions.connect(STDIN_FILENO, spec.stdin_fd, O_RDONLY);
  actions.connect(STDOUT_FILENO, spec.stdout_fd, O_WRONLY);
  actions.connect(STDERR_FILENO, spec.stderr_fd, O_WRONLY);
  auto args = spec.argv;
  auto env = spec.env ? *spec.env : environment_with({});
  const auto argv = pointers(args);
  const auto envp = pointers(env);
  pid_t pid = 0;
  if (const int error = posix_spawn(&pid, argv[0], actions.get(), nullptr, argv.data(), envp.data()); error != 0)
    return Error{Error::Code::io, fmt::format("cannot run {}: {}", spec.argv.front(), std::strerror(error))};
  return pid;
}

Result<ExitStatus> wait_for_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return Error{Error::Code::io, fmt::format("cannot wait for process {}: {}", pid, std::strerror(errno))};
  }
  return exit_status(status);
}

Result<std::optional<ExitStatus>> poll_exit(pid_t pid) {
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(pid, &status, WNOHANG)) < 0) {
    if (errno != EINTR)
      return Error{Error::Code::io, fmt::format("cannot wait for process {}: {}", pid, std::strerror(errno))};
  }
  if (done == 0) return std::optional<ExitStatus>();
  return std::optional<ExitStatus>(exit_status(status));
}

std::vector<std::string> environment_with(const std::vector<std::string>& overrides) {
  const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || name_of(o) == name_of(text);
    if (!replaced) out.push_back(std::move(text));
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

}  // namespace trialwatch::core
