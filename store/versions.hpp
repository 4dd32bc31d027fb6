// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::store {

namespace detail {
class VersionCodec;
}

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

// Whether the registry still serves a study the store holds: stored as the text study_state_name() gives.
enum class StudyState {
  present,    // served under its own NCT ID
  removed,    // confirmed gone (GET /studies/{id} answered 404)
  aliased,    // now an alias of another NCT ID, where its history continues
  not_found,  // never served by the registry (a typo, or an ID not yet given out): no version, no event
};

// Return the name `state` is stored and shown as ("present", "removed", "aliased").
std::string_view study_state_name(StudyState state) noexcept;
// Return the state named `name`, or nothing if no state has that name.
std::optional<StudyState> parse_study_state(std::string_view name) noexcept;

// The state of a study the store holds versions of.
struct StoredStudy {
  int latest_version = 0;
  std::string hash;  // of the normalised latest version
  StudySummary summary;
  StudyState state = StudyState::present;
  std::string alias_of;  // for aliased: the canonical NCT ID
};

// The stored state of every study the store holds versions or a state of, in NCT order. The states are large, so
// the numbers are kept apart: a lookup searches 4 bytes a study instead of chasing a hash map's nodes.
struct StoredStudies {
  std::vector<std::uint32_t> numbers;  // NctId::number() of each study, ascending
  std::vector<StoredStudy> states;     // states[i] is the state of the study numbers[i]

  // Return the state of `id`, or nullptr if the store holds none.
  const StoredStudy* find(const core::NctId& id) const;
};

// One stored version of a study: its number and the exact bytes received.
struct StoredDocument {
  int version = 0;
  std::string raw_json;
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
  // The version this one follows, as the caller read it to diff (Versions::latest()): the delta is built against
  // these bytes when they are the latest stored version; otherwise (or when absent) the store decodes that version.
  std::optional<StoredDocument> previous;
};

// The versions of each study, stored as zstd frames (a delta against the version before, or at least every 16th
// a standalone frame), with the field changes and events each brought, and each study's latest state. A study's
// version, changes and events are written in one transaction. Each call stands alone: what one needs from another
// (the bytes a delta is built against) is passed in.
class Versions {
 public:
  // Work on `db` (opened read_write for the writing calls), which must outlive this object.
  explicit Versions(Database& db);
  ~Versions();
  Versions(const Versions&) = delete;
  Versions& operator=(const Versions&) = delete;

  // Return the stored state of every study the store holds versions or a state of (one query).
  StoredStudies studies() const;
  // Return the stored state of `id`, or nothing if no version or state of it was ever stored.
  std::optional<StoredStudy> study(const core::NctId& id) const;
  // Return the latest stored version of `id` with its exact bytes, or nothing if none was stored.
  std::optional<StoredDocument> latest(const core::NctId& id) const;
  // Return the exact bytes of version `version` of `id`, or nothing if it was not stored.
  std::optional<std::string> document(const core::NctId& id, int version) const;
  // Call `visit` with each stored version of `id`, oldest first, and its exact bytes (valid during the call), each
  // decoded once: reading every version costs one decode each, not a chain each.
  void each_document(const core::NctId& id, const std::function<void(int, const std::string&)>& visit) const;

  // Store `version` with its field changes and events; return its version number, or nothing (and write
  // nothing) when its hash equals the latest stored one.
  std::optional<int> record_version(const NewVersion& version);
  // Store several versions (of different studies) in one transaction, each as record_version() would: a crash
  // leaves all of them or none. Committing a page of studies at once spares a disk flush per study.
  std::vector<std::optional<int>> record_versions(const std::vector<NewVersion>& versions);
  // Store events about a study that come with no new version (removed, aliased); already stored ids are skipped.
  // `state` (removed / aliased) and `alias_of` update the study's state in the same transaction; `channels`
  // (per event) name the notification channels that must send each new event. Return how many events were new.
  int record_study_state(const core::NctId& id, StudyState state, std::string_view alias_of,
                         const std::vector<core::ChangeEvent>& events, const std::vector<std::string>& event_ids,
                         std::string_view data_timestamp, core::Clock::TimePoint now,
                         const std::vector<std::vector<std::string>>& channels = {});

 private:
  std::optional<int> store_version(const NewVersion& version);  // inside the caller's transaction
  // The exact bytes of version `number` of `nct_id`, decoded along its delta chain; nothing if it does not exist.
  std::optional<std::string> decode_version(const std::string& nct_id, int number) const;
  // The bytes version `number` of `version` is stored as a delta against (version number - 1): `version.previous`
  // when it is that version, else decoded; nothing when `number` starts a standalone frame.
  std::optional<std::string> delta_base(const NewVersion& version, const std::string& nct_id, int number) const;

  Database& m_db;
  // zstd contexts and the dictionaries of old frames, reused across calls (not state any call depends on).
  std::unique_ptr<detail::VersionCodec> m_codec;
};

}  // namespace trialwatch::store
