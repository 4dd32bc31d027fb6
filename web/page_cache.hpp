// SPDX-License-Identifier: MIT
// What the web interface keeps between requests while the database does not change.
#pragma once

#include "web/site.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace trialwatch::web {

// The database's files as seen at one moment: the file's and its WAL's size and modification time (ns). Every
// commit changes the WAL (or, after a checkpoint, the file), so equal stamps mean nothing was written in between.
struct DatabaseStamp {
  std::int64_t db_size = -1, db_mtime = -1, wal_size = -1, wal_mtime = -1;
  friend bool operator==(const DatabaseStamp&, const DatabaseStamp&) = default;

  // Return the stamp of the database at `path` now.
  static DatabaseStamp of(const std::filesystem::path& path);
  // Say whether what was read at `read_at` under this stamp may be kept. A change younger than a second may not show
  // in the files' times yet (the kernel stamps them with a coarse clock) or in what a reader saw (a commit is written
  // to the WAL before it is published): what was read then is used once, not kept. Without a file (PostgreSQL)
  // nothing is kept.
  bool settled(std::chrono::system_clock::time_point read_at) const;
};

// The last pages answered (200 only, each at most k_largest bytes, k_entries of them), each under the request and
// the database stamp it was rendered for. Safe to use from many threads.
class PageCache {
 public:
  // How many pages are kept, and the largest kept.
  static constexpr std::size_t k_entries = 32;
  static constexpr std::size_t k_largest = 1 << 20;

  // Return the page kept for `key` rendered under `stamp`, or nothing.
  std::optional<Response> find(const std::string& key, const DatabaseStamp& stamp);
  // Keep `response` for `key` under `stamp`, the oldest page making way.
  void keep(const std::string& key, const DatabaseStamp& stamp, const Response& response);

 private:
  struct Entry {
    std::string key;
    DatabaseStamp stamp;
    Response response;
  };
  std::mutex m_mutex;
  std::deque<Entry> m_entries;  // oldest first
};

}  // namespace trialwatch::web
