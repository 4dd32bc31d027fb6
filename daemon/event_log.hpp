// SPDX-License-Identifier: MIT
#pragma once

#include "store/stored_event.hpp"

#include <filesystem>

namespace trialwatch::daemon {

// The optional JSON Lines event log ([log] event_file): every committed change event appended as the
// event object of docs/events.md, one per line, for tools that tail a file.
class EventLogFile {
 public:
  // Open (create, mode 0640) `path` for appending; throw std::runtime_error with a sentence saying what to do.
  explicit EventLogFile(const std::filesystem::path& path);
  ~EventLogFile();
  EventLogFile(const EventLogFile&) = delete;
  EventLogFile& operator=(const EventLogFile&) = delete;

  // Append `event` as one line; return false if the write failed (the database still has the event).
  bool append(const store::StoredEvent& event);

  // Return the file this log writes.
  const std::filesystem::path& path() const noexcept { return m_path; }

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
};

}  // namespace trialwatch::daemon
