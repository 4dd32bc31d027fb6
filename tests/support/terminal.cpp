// SPDX-License-Identifier: MIT
#include "tests/support/terminal.hpp"

#include "core/process.hpp"

#include <algorithm>
#include <cerrno>
#include <pty.h>
#include <stdexcept>
#include <unistd.h>

namespace trialwatch::testing {

namespace {

// Pointers to the strings of `texts`, ended by a null pointer, as execve takes them.
std::vector<char*> c_array(std::vector<std::string>& texts) {
  std::vector<char*> out;
  for (auto& text : texts) out.push_back(text.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ProcessResult run_on_terminal(const std::vector<std::string>& argv, unsigned short columns,
                              const std::map<std::string, std::string>& extra_env) {
  std::vector<std::string> overrides;
  for (const auto& [name, value] : extra_env) overrides.push_back(name + "=" + value);
  auto args = argv;
  auto environment = core::environment_with(overrides);
  const auto arg_pointers = c_array(args);  // built before fork: the child only calls execve and _exit
  const auto env_pointers = c_array(environment);
  winsize size{};
  size.ws_row = 50;
  size.ws_col = columns;
  int terminal = -1;
  const pid_t pid = forkpty(&terminal, nullptr, nullptr, &size);
  if (pid < 0) throw std::runtime_error("cannot open a pseudo-terminal");
  if (pid == 0) {
    ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    ::_exit(127);
  }
  std::string output;
  char buffer[4096];
  for (;;) {  // until the child's side closes (EIO)
    const ssize_t n = ::read(terminal, buffer, sizeof buffer);
    if (n > 0)
      output.append(buffer, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR)
      continue;
    else
      break;
  }
  ::close(terminal);
  const auto ended = core::wait_for_exit(pid);
  output.erase(std::remove(output.begin(), output.end(), '\r'), output.end());
  return ProcessResult{ended ? ended->shell_code() : -1, output};
}

}  // namespace trialwatch::testing
