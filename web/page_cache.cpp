// SPDX-License-Identifier: MIT
#include "web/page_cache.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace trialwatch::web {

namespace {

constexpr auto k_settled = std::chrono::seconds(1);

// Return the size and modification time (ns) of the file at `path`, or (-1, -1) when there is none.
std::pair<std::int64_t, std::int64_t> size_and_time(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {-1, -1};
  return {static_cast<std::int64_t>(info.st_size),
          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
}

}  // namespace

DatabaseStamp DatabaseStamp::of(const std::filesystem::path& path) {
  DatabaseStamp stamp;
  std::tie(stamp.db_size, stamp.db_mtime) = size_and_time(path.string());
  std::tie(stamp.wal_size, stamp.wal_mtime) = size_and_time(path.string() + "-wal");
  if (stamp.wal_size == 0) stamp.wal_mtime = -1;  // an empty WAL (as a reader creates it) holds no commit
  return stamp;
}

bool DatabaseStamp::settled(std::chrono::system_clock::time_point read_at) const {
  if (db_size < 0) return false;  // no file to watch (a PostgreSQL database, whose writes no file shows): keep nothing
  const auto newest =
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(std::max(db_mtime, wal_mtime))));
  return read_at - newest >= k_settled;
}

std::optional<Response> PageCache::find(const std::string& key, const DatabaseStamp& stamp) {
  const std::lock_guard lock(m_mutex);
  const auto at = std::find_if(m_entries.begin(), m_entries.end(),
                               [&](const Entry& entry) { return entry.key == key && entry.stamp == stamp; });
  if (at == m_entries.end()) return std::nullopt;
  return at->response;
}

void PageCache::keep(const std::string& key, const DatabaseStamp& stamp, const Response& response) {
  if (response.status != 200 || response.body.size() > k_largest) return;
  const std::lock_guard lock(m_mutex);
  std::erase_if(m_entries, [&](const Entry& entry) { return entry.key == key; });
  if (m_entries.size() >= k_entries) m_entries.pop_front();
  m_entries.push_back(Entry{key, stamp, response});
}

}  // namespace trialwatch::web
