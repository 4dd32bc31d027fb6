// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace trialwatch::testing {

// A datagram socket standing in for systemd's $NOTIFY_SOCKET: it receives what a service sends with sd_notify.
class NotifySocket {
 public:
  // Bind a socket at `path` (which must not exist).
  explicit NotifySocket(std::filesystem::path path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Return the socket's path, the value for NOTIFY_SOCKET.
  const std::filesystem::path& path() const noexcept { return m_path; }
  // Wait up to `timeout` for the next message; nothing if none came.
  std::optional<std::string> next(std::chrono::milliseconds timeout);
  // Wait up to `timeout` for a message containing `text` (a line such as "READY=1"); return it, or nothing.
  // Every message received on the way is kept in received().
  std::optional<std::string> wait_for(const std::string& text, std::chrono::milliseconds timeout);
  // Return every message received so far, in order.
  const std::vector<std::string>& received() const noexcept { return m_received; }

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
  std::vector<std::string> m_received;
};

}  // namespace trialwatch::testing
