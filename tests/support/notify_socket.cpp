// SPDX-License-Identifier: MIT
#include "tests/support/notify_socket.hpp"

#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace trialwatch::testing {

NotifySocket::NotifySocket(std::filesystem::path path) : m_path(std::move(path)) {
  m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (m_fd < 0) throw std::runtime_error("cannot create a datagram socket");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_path.string().size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long");
  std::strcpy(address.sun_path, m_path.c_str());
  if (::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(m_fd);
    throw std::runtime_error("cannot bind " + m_path.string());
  }
}

NotifySocket::~NotifySocket() {
  ::close(m_fd);
  std::error_code ignored;
  std::filesystem::remove(m_path, ignored);
}

std::optional<std::string> NotifySocket::next(std::chrono::milliseconds timeout) {
  pollfd waiting{m_fd, POLLIN, 0};
  if (::poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  char buffer[4096];
  const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
  if (n < 0) return std::nullopt;
  m_received.emplace_back(buffer, static_cast<std::size_t>(n));
  return m_received.back();
}

std::optional<std::string> NotifySocket::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    const auto message = next(left);
    if (message && message->find(text) != std::string::npos) return message;
  }
}

}  // namespace trialwatch::testing
