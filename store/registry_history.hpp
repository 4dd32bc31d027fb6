// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

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

// How much of a study's past the registry is asked for: its list of versions (one request), or every version too.
enum class BackfillMode { status, full };

// Return the name `mode` is stored and configured as ("status", "full").
std::string_view backfill_mode_name(BackfillMode mode) noexcept;
// Return the mode named `name`, or nothing.
std::optional<BackfillMode> parse_backfill_mode(std::string_view name) noexcept;

// A study whose backfill is not finished, as the queue holds it.
struct BackfillTask {
  core::NctId id;
  BackfillMode mode = BackfillMode::status;
  std::optional<int> known;  // past versions the registry listed; none before the list was read
  int fetched = 0;           // past versions whose documents are stored
  int failures = 0;          // failed attempts in a row
};

// How far the backfill has got, for `trialwatch status`.
struct BackfillProgress {
  int waiting = 0;         // studies not finished
  int known = 0;           // past versions listed, over every study
  int fetched = 0;         // of which documents are stored
  int failing = 0;         // studies whose last attempt failed
  std::string last_error;  // the most recent failure, if any
};

// Events derived from the registry's past (provenance registry_history) with their stable ids.
struct PastEvents {
  std::vector<core::ChangeEvent> events;
  std::vector<std::string> ids;  // one per event
};

// One of the registry's past versions of a study: listed (number, date, status) and, in full mode, fetched; with
// the events that tell how it differs from the version before.
struct PastVersion {
  int registry_version = 0;
  std::string posted_date;              // YYYY-MM-DD, as the registry's list gives it
  std::string overall_status;           // as the list gives it
  std::optional<std::string> raw_json;  // the exact bytes of the study received; none when only listed
  std::string hash;                     // of the comparable form, with raw_json
  PastEvents events;                    // stored with the version, with its number and date
};

// The registry's own history of tracked studies: the backfill queue and its progress, the past versions (zstd frames,
// a delta against the version before or standalone), and the events derived from them. Each call is one
// transaction, so a crash or a restart never loses or doubles a version or an event.
class RegistryHistory {
 public:
  // Work on `db` (opened read_write for the writing calls), which must outlive this object.
  explicit RegistryHistory(Database& db);
  ~RegistryHistory();
  RegistryHistory(const RegistryHistory&) = delete;
  RegistryHistory& operator=(const RegistryHistory&) = delete;

  // Queue `id` for backfill in `mode` at `now`, due at once. A full request reopens a study done in status mode;
  // a study queued or done in full mode stays as it is.
  void enqueue(const core::NctId& id, BackfillMode mode, core::Clock::TimePoint now);
  // Queue every actively tracked study never queued before, at `now`: in `explicit_mode` those tracked from the
  // configuration or the CLI, in `discovered_mode` the others (saved searches, related trials); nothing for off.
  // One statement, so a cycle over 100,000 tracked studies pays a few milliseconds. Return how many were queued.
  int enqueue_tracked(std::optional<BackfillMode> explicit_mode, std::optional<BackfillMode> discovered_mode,
                      core::Clock::TimePoint now);
  // Return the unfinished backfills due at `now`, the longest waiting first, at most `limit`.
  std::vector<BackfillTask> due(core::Clock::TimePoint now, int limit) const;

  // Record the registry's list of `id`'s past versions, each with the events the list gives (status changes),
  // found with the registry data `data_timestamp`: versions not stored yet are stored without a document, the
  // number known is set, and a status-mode backfill is done.
  void record_list(const core::NctId& id, const std::vector<PastVersion>& listed, std::string_view data_timestamp,
                   core::Clock::TimePoint now);
  // Record the document of listed past version `version.registry_version` with the events its changes gave; the
  // delta is built against `previous` (the exact bytes of the version before) when given. The backfill is done
  // when every listed version has its document.
  void record_document(const core::NctId& id, const PastVersion& version, const std::optional<std::string>& previous,
                       std::string_view data_timestamp, core::Clock::TimePoint now);
  // Put `id`'s backfill off until `at`, without counting a failure (it waits for the study's first snapshot).
  void postpone(const core::NctId& id, core::Clock::TimePoint at);
  // Record a failed attempt at `id`'s backfill with its sentence; it is due again at `retry_at`.
  void record_failure(const core::NctId& id, std::string_view error, core::Clock::TimePoint retry_at);

  // Return `id`'s listed past versions, oldest first (without their documents).
  std::vector<PastVersion> versions(const core::NctId& id) const;
  // Return the exact bytes of past version `registry_version` of `id`, or nothing if it was not fetched.
  std::optional<std::string> document(const core::NctId& id, int registry_version) const;
  // Call `visit` with each fetched past version of `id`, oldest first, and its exact bytes (valid during the call),
  // each decoded once.
  void each_document(const core::NctId& id, const std::function<void(int, const std::string&)>& visit) const;
  // Return the backfill's progress over every study.
  BackfillProgress progress() const;

 private:
  void insert_events(const core::NctId& id, const PastVersion& version, std::string_view data_timestamp,
                     const std::string& detected_at);
  void finish_if_complete(const std::string& nct_id, const std::string& at);

  Database& m_db;
  std::unique_ptr<detail::VersionCodec> m_codec;
};

}  // namespace trialwatch::store
