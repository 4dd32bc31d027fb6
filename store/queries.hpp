// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"
#include "store/outbox.hpp"
#include "store/runs.hpp"
#include "store/stored_event.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trialwatch::store {

// A study on the watch list as `trialwatch list` shows it.
struct ListedStudy {
  WatchEntry entry;
  StudySummary summary;             // of the latest stored version (empty before the first sync)
  std::optional<StudyState> state;  // nothing before the first sync
  int versions = 0;
  std::optional<StoredEvent> last_event;
};

// Which events to return, newest first.
struct EventQuery {
  std::string since;                   // UTC RFC 3339; only events detected at or after it ("" = all)
  std::vector<core::EventType> types;  // empty = every type
  std::optional<core::NctId> nct_id;   // one study only
  int limit = -1;                      // at most this many (-1 = all)
  int offset = 0;                      // after skipping this many (a page further on)
  bool brief = false;  // read only nct_id, type, detected_at, old, new and summary (what a table of events shows);
                       // the others are left empty (provenance: tracking)
};

// One stored version of a study, without its document.
struct VersionInfo {
  int version = 0;
  std::string fetched_at;
  std::string data_timestamp;
  std::string last_update_post_date;
  std::int64_t raw_size = 0;
  int changes = 0;  // field changes recorded against the version before
};

// A study's place in the backfill queue, as `trialwatch backfill` reports it.
struct BackfillState {
  std::string mode;   // "status" or "full"
  bool done = false;  // finished in that mode
};

// A related-trial suggestion as `trialwatch related` shows it.
struct RelatedSuggestion {
  std::string subject;  // the tracked study it is related to
  std::string nct_id;
  std::string title;
  int score = 0;
  std::vector<std::string> reasons;  // what the two share, e.g. "shares condition Rheumatoid Arthritis"
  std::string found_at;              // UTC RFC 3339
  bool tracked = false;              // on the watch list now
};

// A saved search as `trialwatch status` shows it.
struct SearchStatus {
  std::string name;
  std::string completed_at;  // UTC RFC 3339 of its last completed run; "" = never
  std::string window_date;   // its next run asks for studies updated since the day before this date
  std::string last_error;    // the registry's answer when it last rejected the search, else ""
  int tracked = 0;           // studies it added that are still tracked
};

// Counts and watermarks for `trialwatch status`.
struct StoreStatus {
  std::optional<std::string> completed_data_timestamp;
  std::optional<std::string> last_reconcile;
  std::optional<RunRecord> last_run;
  std::optional<RunRecord> last_successful_run;
  int tracked = 0;
  int studies_with_versions = 0;
  std::int64_t versions = 0;
  std::int64_t events = 0;
  std::int64_t database_bytes = 0;
  OutboxCounts notifications;  // dead ones gave up after max_age: someone should look
  std::vector<SearchStatus> searches;
  std::optional<std::string> next_check_at;    // when the daemon planned its next check (UTC RFC 3339)
  std::optional<std::int64_t> check_interval;  // seconds between the daemon's checks, as it last said
  std::vector<std::string> not_found;          // tracked IDs the registry has never served
};

// The read side of the store for the command line client: indexed queries that never write, safe on a
// database opened read-only while the daemon writes (WAL).
class Queries {
 public:
  // Read from `db`, which must outlive this object.
  explicit Queries(const Database& db) : m_db(db) {}

  // Return the watch list with each study's latest state, in NCT order; inactive entries only if asked.
  std::vector<ListedStudy> list(bool include_inactive = false) const;
  // Return the watch list as list() does but lighter, for a page of a long list: no version counts (0) and no last
  // events (read those of the rows shown with last_events()).
  std::vector<ListedStudy> watched(bool include_inactive = false) const;
  // Return the newest event of each of `ids`, in their order (nothing for a study without events).
  std::vector<std::optional<StoredEvent>> last_events(const std::vector<core::NctId>& ids) const;
  // Return the events `query` selects, newest first.
  std::vector<StoredEvent> events(const EventQuery& query) const;
  // Call `visit` with each event `query` selects, newest first, without holding them all: the event passed is
  // valid only during the call (its buffers are reused for the next).
  void each_event(const EventQuery& query, const std::function<void(const StoredEvent&)>& visit) const;
  // Return the stored versions of `id`, oldest first.
  std::vector<VersionInfo> versions(const core::NctId& id) const;
  // Return `id`'s backfill as queued, or nothing when it was never queued.
  std::optional<BackfillState> backfill(const core::NctId& id) const;
  // Return the field changes recorded when version `version` of `id` was stored (against the one before).
  std::vector<core::FieldChange> changes(const core::NctId& id, int version) const;
  // Return the related-trial suggestions for `subject` (or for every study), best first per study.
  std::vector<RelatedSuggestion> related(const std::optional<core::NctId>& subject) const;
  // Return the counts and watermarks of the whole store.
  StoreStatus status() const;

 private:
  const Database& m_db;
};

}  // namespace trialwatch::store
