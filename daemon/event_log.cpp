// SPDX-License-Identifier: MIT
#include "daemon/event_log.hpp"

#include "store/event_json.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace trialwatch::daemon {

EventLogFile::EventLogFile(const std::filesystem::path& path) : m_path(path) {
  m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (m_fd < 0)
    throw std::runtime_error(
        fmt::format("cannot open the event log {} ({}); check log.event_file and that this user "
                    "may write there",
                    path.string(), std::strerror(errno)));
}

EventLogFile::~EventLogFile() {
  if (m_fd >= 0) ::close(m_fd);
}

bool EventLogFile::append(const store::StoredEvent& event) {
  const std::string line = store::event_json(event) + "\n";
  std::size_t written = 0;
  while (written < line.size()) {  // O_APPEND: each write lands at the end, whole lines from one writer
    const ssize_t n = ::write(m_fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace trialwatch::daemon
