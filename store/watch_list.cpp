// SPDX-License-Identifier: MIT
#include "store/watch_list.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

#include <algorithm>

namespace trialwatch::store {

namespace {

// The entry a row of (nct_id, source, note, added_at, active) holds; nothing for an unparsable ID (never written).
std::optional<WatchEntry> read_entry(detail::Statement& row) {
  auto id = core::NctId::parse(row.getColumn(0).getString());
  if (!id) return std::nullopt;
  return WatchEntry{*id, row.getColumn(1).getString(), detail::text_or_empty(row.getColumn(2)),
                    row.getColumn(3).getString(), row.getColumn(4).getInt() != 0};
}

// Add `id`, not on the watch list yet, inside the caller's transaction.
void insert_entry(Database& db, const core::NctId& id, std::string_view source, std::string_view note,
                  const std::string& at) {
  auto insert =
      detail::statement(db, "INSERT INTO watchlist(nct_id, source, note, added_at, active) VALUES (?, ?, ?, ?, 1)");
  insert->bind(1, id.str());
  insert->bind(2, std::string(source));
  insert->bind(3, std::string(note));
  insert->bind(4, at);
  insert->exec();
}

// Track `id` again, untracked before, with a new source, note and time, inside the caller's transaction.
void reactivate_entry(Database& db, const core::NctId& id, std::string_view source, std::string_view note,
                      const std::string& at) {
  auto reactivate =
      detail::statement(db, "UPDATE watchlist SET active = 1, source = ?, note = ?, added_at = ? WHERE nct_id = ?");
  reactivate->bind(1, std::string(source));
  reactivate->bind(2, std::string(note));
  reactivate->bind(3, at);
  reactivate->bind(4, id.str());
  reactivate->exec();
}

// Take `nct_id` off the watch list inside the caller's transaction; return whether it was actively tracked.
bool deactivate_entry(Database& db, const std::string& nct_id) {
  auto update = detail::statement(db, "UPDATE watchlist SET active = 0 WHERE nct_id = ? AND active = 1");
  update->bind(1, nct_id);
  return update->exec() > 0;
}

}  // namespace

bool WatchList::track(const core::NctId& id, std::string_view source, std::string_view note,
                      core::Clock::TimePoint now) {
  const std::string at = core::format_rfc3339(now);
  return detail::in_transaction(m_db, [&] {
    auto existing = detail::statement(m_db, "SELECT active FROM watchlist WHERE nct_id = ?");
    existing->bind(1, id.str());
    if (!existing->executeStep()) {
      insert_entry(m_db, id, source, note, at);
      return true;
    }
    if (existing->getColumn(0).getInt() != 0) return false;
    reactivate_entry(m_db, id, source, note, at);
    return true;
  });
}

WatchListChanges WatchList::track_exactly(const std::vector<core::NctId>& ids, std::string_view source,
                                          core::Clock::TimePoint now) {
  std::vector<core::NctId> wanted = ids;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const std::string at = core::format_rfc3339(now);
  return detail::in_transaction(m_db, [&] {
    struct Entry {
      std::string nct_id;
      bool active;
      bool from_source;
    };
    std::vector<Entry> listed;  // the whole watch list in NCT order, read once
    auto query = detail::statement(m_db, "SELECT nct_id, active, source = ? FROM watchlist ORDER BY nct_id");
    query->bind(1, std::string(source));
    while (query->executeStep())
      listed.push_back(
          Entry{query->getColumn(0).getString(), query->getColumn(1).getInt() != 0, query->getColumn(2).getInt() != 0});
    WatchListChanges changes;
    auto add = [&](const core::NctId& id) {  // new to the watch list
      insert_entry(m_db, id, source, "", at);
      changes.tracked.push_back(id);
    };
    std::size_t w = 0;
    for (const auto& entry : listed) {
      for (; w < wanted.size() && wanted[w].str() < entry.nct_id; ++w) add(wanted[w]);
      if (w < wanted.size() && wanted[w].str() == entry.nct_id) {
        if (!entry.active) {
          reactivate_entry(m_db, wanted[w], source, "", at);
          changes.tracked.push_back(wanted[w]);
        }
        ++w;
      } else if (entry.active && entry.from_source && deactivate_entry(m_db, entry.nct_id)) {
        changes.untracked.push_back(*core::NctId::parse(entry.nct_id));  // cannot fail: only parsed IDs are written
      }
    }
    for (; w < wanted.size(); ++w) add(wanted[w]);
    return changes;
  });
}

bool WatchList::untrack(const core::NctId& id) {
  return detail::in_transaction(m_db, [&] { return deactivate_entry(m_db, id.str()); });
}

std::size_t WatchList::size() const {
  return detail::reading(m_db,
                         [&] { return detail::count_rows(m_db, "SELECT count(*) FROM watchlist WHERE active = 1"); });
}

std::vector<WatchEntry> WatchList::entries(bool include_inactive) const {
  return detail::reading(m_db, [&] {
    std::vector<WatchEntry> entries;
    entries.reserve(detail::count_rows(m_db, "SELECT count(*) FROM watchlist"));
    auto query = detail::statement(
        m_db, "SELECT nct_id, source, note, added_at, active FROM watchlist WHERE active = 1 OR ?1 ORDER BY nct_id");
    query->bind(1, include_inactive ? 1 : 0);
    while (query->executeStep())
      if (auto entry = read_entry(*query)) entries.push_back(std::move(*entry));
    return entries;
  });
}

std::optional<WatchEntry> WatchList::entry(const core::NctId& id) const {
  return detail::reading(m_db, [&]() -> std::optional<WatchEntry> {
    auto query =
        detail::statement(m_db, "SELECT nct_id, source, note, added_at, active FROM watchlist WHERE nct_id = ?");
    query->bind(1, id.str());
    return query->executeStep() ? read_entry(*query) : std::nullopt;
  });
}

std::vector<core::NctId> WatchList::tracked_without_version() const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db,
                                   "SELECT nct_id FROM watchlist w WHERE active = 1 AND NOT EXISTS "
                                   "(SELECT 1 FROM studies s WHERE s.nct_id = w.nct_id) ORDER BY nct_id");
    std::vector<core::NctId> ids;
    while (query->executeStep())
      if (auto id = core::NctId::parse(query->getColumn(0).getString())) ids.push_back(*id);
    return ids;
  });
}

}  // namespace trialwatch::store
