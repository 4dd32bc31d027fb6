// SPDX-License-Identifier: MIT
#include "notify/exec_channel.hpp"

#include "core/process.hpp"
#include "core/safe_text.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

namespace trialwatch::notify {

namespace {

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return m_fd; }
  void reset() noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd;
};

// Blocks SIGPIPE in this thread while it lives, so writing to a program that exited without reading its input
// fails with EPIPE instead of killing the daemon; a SIGPIPE raised meanwhile is consumed before unblocking.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&m_pipe);
    sigaddset(&m_pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &m_pipe, &m_previous);
  }
  ~SigpipeGuard() {
    const timespec no_wait{0, 0};
    while (sigtimedwait(&m_pipe, nullptr, &no_wait) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t m_pipe{};
  sigset_t m_previous{};
};

// Write all of `data` to `fd` (non-blocking) before `deadline`; false if the reader stopped reading or time ran out.
bool write_all(int fd, const std::string& data, std::chrono::steady_clock::time_point deadline) {
  std::size_t written = 0;
  while (written < data.size()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd ready{fd, POLLOUT, 0};
    if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

// What `program` ending as `ended` means for the delivery.
DeliveryResult result_of(const std::string& program, const core::ExitStatus& ended) {
  if (ended.signal != 0) return {false, fmt::format("{} was ended by signal {}", program, ended.signal), std::nullopt};
  if (ended.code != 0) return {false, fmt::format("{} exited with status {}", program, ended.code), std::nullopt};
  return {true, {}, std::nullopt};
}

}  // namespace

ExecChannel::ExecChannel(std::vector<std::string> command, std::chrono::milliseconds timeout)
    : m_command(std::move(command)), m_timeout(timeout) {}

DeliveryResult ExecChannel::deliver(const Notification& notification) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {false, "cannot create a pipe for the exec channel", std::nullopt};
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  ::fcntl(write_end.get(), F_SETFL, O_NONBLOCK);

  std::vector<std::string> environment{
      "PATH=/usr/local/bin:/usr/bin:/bin", "TRIALWATCH_EVENT_ID=" + notification.event_id,
      "TRIALWATCH_EVENT=" + notification.type, "TRIALWATCH_NCT_ID=" + notification.nct_id,
      // Registry text, one line without control characters (stdin has the JSON).
      "TRIALWATCH_TITLE=" + core::for_log_line(notification.title),
      "TRIALWATCH_SUMMARY=" + core::for_log_line(notification.summary),
      "TRIALWATCH_STUDY_URL=" + notification.study_url};
  core::SpawnSpec spec{m_command, std::move(environment)};
  spec.stdin_fd = read_end.get();
  spec.stdout_fd = core::SpawnSpec::k_dev_null;
  const auto pid = core::spawn(spec);
  read_end.reset();
  if (!pid) return {false, pid.error().message, std::nullopt};

  const auto deadline = std::chrono::steady_clock::now() + m_timeout;
  {
    const SigpipeGuard no_sigpipe;
    write_all(write_end.get(), notification.event_json + "\n", deadline);  // a program may ignore its input
  }
  write_end.reset();
  while (true) {
    const auto ended = core::poll_exit(*pid);
    if (!ended) return {false, ended.error().message, std::nullopt};
    if (*ended) return result_of(m_command.front(), **ended);
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(*pid, SIGKILL);
      (void)core::wait_for_exit(*pid);
      return {false, fmt::format("{} ran longer than {} ms and was killed", m_command.front(), m_timeout.count()),
              std::nullopt};
    }
    ::usleep(10'000);
  }
}

}  // namespace trialwatch::notify
