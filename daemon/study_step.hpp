// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "core/result.hpp"
#include "diff/json_diff.hpp"
#include "diff/normalise.hpp"
#include "diff/study_facts.hpp"
#include "store/versions.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::daemon {

// Names the notification channels that must send an event of `type` about `nct_id`, tracked for `source`.
using EventRouter =
    std::function<std::vector<std::string>(core::EventType type, const std::string& nct_id, const std::string& source)>;

// The watermark facts of a study as the store keeps them beside its versions.
store::StudySummary summary_of(const diff::StudyFacts& facts);

// The event recorded when a study is stored for the first time ("Tracking started: title (status, last updated
// date)").
core::ChangeEvent tracking_started(const diff::StudyFacts& facts);

// A full study document as received, with what can be known from it alone.
struct StudyDocument {
  core::NctId id;
  diff::StudyFacts facts;
  std::string json;  // the exact bytes received
  std::string hash;  // of the normalised document (diff::normalise)
};

// Where a study step happens: the same for every study of a cycle but its source.
struct StepContext {
  std::string_view data_timestamp;    // the registry data the document belongs to
  core::Clock::TimePoint fetched_at;  // when the document arrived
  std::string_view source;            // why the study is tracked: config, cli, search:NAME, …
};

// The per-study step of a sync cycle (docs/sync.md, step 4), shared by SyncCycle and the benchmarks: a full study
// document becomes the new version to store — the field changes against the stored latest version, the typed events,
// their stable ids and notification channels — or nothing when the study did not change. It reads only the document
// and what it is handed, and writes nothing: the caller stores the version (many studies in one transaction). Keeps
// its parsers between studies, so reuse one step for a whole cycle.
class StudyStep {
 public:
  // Route each event to the channels `route` names (may be empty: no notifications).
  explicit StudyStep(EventRouter route = {});

  // Read the facts and the normalised hash of `json`, a full study document; fail with code `unreadable` when either
  // cannot be read, and with `bad_response` when it names no valid NCT ID.
  core::Result<StudyDocument> read(std::string json);

  // Return the version `study` makes, given `stored` (what the store holds of it, nullptr: nothing yet): a first
  // version with `study_tracked`, or the changes against the latest stored version (read from `versions` only when the
  // hash differs) with their classified events; nothing when the hash or, after the diff, every field is unchanged.
  core::Result<std::optional<store::NewVersion>> new_version(StudyDocument study, const store::StoredStudy* stored,
                                                             const store::Versions& versions,
                                                             const StepContext& context);

 private:
  EventRouter m_route;
  diff::StudyDiffer m_differ;  // read() keeps the new document's parse for the comparison in new_version()
  diff::Normaliser m_normaliser;
};

}  // namespace trialwatch::daemon
