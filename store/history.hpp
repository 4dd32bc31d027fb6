// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

// What the store remembers about a study's latest stored version: the watermark of the sync engine.
struct StudySummary {
  std::string title;
  std::string overall_status;
  std::string last_update_post_date;
  std::string results_first_submit_date;
  std::string results_first_post_date;
  std::optional<bool> has_results;
  std::string reset_dates;  // dates of unposted RESET events, comma-separated
  friend bool operator==(const StudySummary&, const StudySummary&) = default;
};

// The state of a study the store holds versions of.
struct StoredStudy {
  int latest_version = 0;
  std::string hash;  // of the normalised latest version
  StudySummary summary;
  std::string state;     // "present", "removed" or "aliased"
  std::string alias_of;  // for "aliased": the canonical NCT ID
};

// The stored state of every study the store holds versions or a state of, in NCT order. The states are large, so
// the numbers are kept apart: a lookup searches 4 bytes a study instead of chasing a hash map's nodes.
struct StoredStudies {
  std::vector<std::uint32_t> numbers;  // NctId::number() of each study, ascending
  std::vector<StoredStudy> states;     // states[i] is the state of the study numbers[i]

  // Return the state of `id`, or nullptr if the store holds none.
  const StoredStudy* find(const core::NctId& id) const;
};

// A new version of a study, with what the diff found, to be stored in one transaction.
struct NewVersion {
  core::NctId id;
  std::string raw_json;  // the exact bytes received
  std::string hash;      // of the normalised document
  StudySummary summary;
  std::string data_timestamp;
  core::Clock::TimePoint fetched_at;
  std::vector<core::FieldChange> changes;
  std::vector<core::ChangeEvent> events;
  std::vector<std::string> event_ids;              // one per event, stable: the same change always gets the same id
  std::vector<std::vector<std::string>> channels;  // per event: the notification channels that must send it
};

// What track_exactly() changed, each in NCT order.
struct WatchListChanges {
  std::vector<core::NctId> tracked;    // not actively tracked before
  std::vector<core::NctId> untracked;  // tracked because of the source, and no longer listed
};

// A change event as stored (the event object of docs/events.md).
struct StoredEvent {
  std::string id;
  std::string nct_id;
  core::EventType type;
  std::string detected_at;
  std::string data_timestamp;
  std::optional<int> version;
  core::Provenance provenance;
  std::string path;
  std::string old_json;
  std::string new_json;
  std::string summary;
  std::string source;
};

// How a sync run ended, for `trialwatch status` and the operators' record.
struct RunRecord {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  std::string outcome;  // ok, unchanged, failed, running
  std::string data_timestamp;
  int requests = 0;
  std::uint64_t bytes = 0;
  int checked = 0;
  int fetched = 0;
  int changed = 0;
  int events = 0;
  std::string error;
};

// The sync engine's view of the database: the watch list, study versions with their field changes and
// events, sync runs and the completed-cycle watermark. Every write is one short IMMEDIATE transaction.
class History {
 public:
  // Work on `db` (opened read_write), which must outlive this object.
  explicit History(Database& db);
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

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
  // Return the watch list, active entries only unless `include_inactive`.
  std::vector<WatchEntry> watchlist(bool include_inactive = false) const;

  // Return the actively tracked studies of which no version or state was ever stored (tracked since the last
  // cycle, or never found), in NCT order.
  std::vector<core::NctId> tracked_without_version() const;

  // Return the stored state of every study the store holds versions or a state of (one query).
  StoredStudies studies() const;
  // Return the stored state of `id`, or nothing if no version of it was ever stored.
  std::optional<StoredStudy> study(const core::NctId& id) const;
  // Return the exact JSON of version `version` of `id` (0 = latest), or nothing. The latest is kept until the
  // next version of `id` is stored, which is compressed against it.
  std::optional<std::string> document(const core::NctId& id, int version = 0) const;

  // Store `version` with its field changes and events; return its version number, or nothing (and write
  // nothing) when its hash equals the latest stored one.
  std::optional<int> record_version(const NewVersion& version);
  // Store several versions (of different studies) in one transaction, each as record_version() would: a crash
  // leaves all of them or none. Committing a page of studies at once spares a disk flush per study.
  std::vector<std::optional<int>> record_versions(const std::vector<NewVersion>& versions);
  // Store events about a study that come with no new version (removed, aliased); already stored ids are skipped.
  // `state` ("removed" / "aliased") and `alias_of` update the study's state in the same transaction; `channels`
  // (per event) name the notification channels that must send each new event.
  int record_study_state(const core::NctId& id, std::string_view state, std::string_view alias_of,
                         const std::vector<core::ChangeEvent>& events, const std::vector<std::string>& event_ids,
                         std::string_view data_timestamp, core::Clock::TimePoint now,
                         const std::vector<std::vector<std::string>>& channels = {});

  // Return the events, newest first, at most `limit`.
  std::vector<StoredEvent> events(int limit = 1000) const;

  // Start a run at `now` and return its id.
  std::int64_t begin_run(core::Clock::TimePoint now);
  // Record how run `run.id` ended.
  void finish_run(const RunRecord& run);
  // Return the most recent run, if any.
  std::optional<RunRecord> last_run() const;

  // Return the dataTimestamp of the last completed cycle, if any.
  std::optional<std::string> completed_data_timestamp() const;
  // Record `token` as the dataTimestamp of a completed cycle (only after every study of it was handled).
  void set_completed_data_timestamp(std::string_view token);
  // Return when the last full reconcile completed, if ever (UTC RFC 3339).
  std::optional<std::string> last_reconcile() const;
  // Record `at` as the time the last full reconcile completed.
  void set_last_reconcile(core::Clock::TimePoint at);

 private:
  std::optional<int> store_version(const NewVersion& version);  // inside the caller's transaction
  // The exact bytes of version `number` of `nct_id`, decoded along its delta chain; nothing if it does not exist.
  std::optional<std::string> decode_version(const std::string& nct_id, int number) const;
  // The bytes version `number` is stored as a delta against (version number - 1), or nothing for a standalone frame.
  std::optional<std::string> delta_base(const std::string& nct_id, int number);

  struct Codec;
  Database& m_db;
  std::unique_ptr<Codec> m_codec;
};

}  // namespace trialwatch::store
