// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::store {

// One study on the watch list.
struct WatchEntry {
  core::NctId id;
  std::string source;  // why it is tracked: config, cli, search:NAME, related:NCT...
  std::string note;
  std::string added_at;  // UTC RFC 3339
  bool active = true;    // false once untracked (history is kept)
};

// What track_exactly() changed, each in NCT order.
struct WatchListChanges {
  std::vector<core::NctId> tracked;    // not actively tracked before
  std::vector<core::NctId> untracked;  // tracked because of the source, and no longer listed
};

// The studies trialwatch tracks, each with why (its source) and since when. Untracking keeps a study's history;
// tracking it again reactivates its entry. Every write is one short IMMEDIATE transaction.
class WatchList {
 public:
  // Work on `db` (opened read_write for the writing calls), which must outlive this object.
  explicit WatchList(Database& db) : m_db(db) {}

  // Put `id` on the watch list with `source` and `note` at `now`; reactivate it if it was untracked.
  // Return whether the study was not actively tracked before.
  bool track(const core::NctId& id, std::string_view source, std::string_view note, core::Clock::TimePoint now);
  // Make `ids` the studies tracked because of `source`, in one transaction with one read of the watch list (a list
  // of 100,000 costs a merge, not 100,000 lookups): each of `ids` not actively tracked is tracked (or reactivated)
  // with `source`; one already tracked keeps its source; an active entry of `source` not in `ids` is untracked.
  WatchListChanges track_exactly(const std::vector<core::NctId>& ids, std::string_view source,
                                 core::Clock::TimePoint now);
  // Take `id` off the watch list (its history is kept); return whether it was actively tracked.
  bool untrack(const core::NctId& id);

  // Return how many studies are actively tracked (one count, not a read of the list).
  std::size_t size() const;
  // Return the watch list in NCT order, active entries only unless `include_inactive`.
  std::vector<WatchEntry> entries(bool include_inactive = false) const;
  // Return `id`'s entry, active or not (one indexed read, not the list), or nothing when it was never tracked.
  std::optional<WatchEntry> entry(const core::NctId& id) const;
  // Return the actively tracked studies of which no version or state was ever stored (tracked since the last
  // cycle, or never found), in NCT order.
  std::vector<core::NctId> tracked_without_version() const;

 private:
  Database& m_db;
};

}  // namespace trialwatch::store
