// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/event.hpp"
#include "core/log.hpp"
#include "core/nct_id.hpp"
#include "core/result.hpp"
#include "daemon/publish.hpp"
#include "daemon/study_step.hpp"
#include "diff/related.hpp"
#include "fetch/registry_client.hpp"
#include "store/discoveries.hpp"
#include "store/stored_event.hpp"
#include "store/versions.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::daemon {

// What discovery looks for and how often (docs/discovery.md).
struct DiscoveryOptions {
  std::vector<core::SearchConfig> searches;
  core::RelatedConfig related;
  std::chrono::seconds rediscover_after{7 * 24 * 3600};  // a study's related trials are looked for this rarely
  std::size_t subjects_per_cycle = 10;  // studies whose related trials one cycle looks for (≤ 5 requests each)
};

// The query a saved search sends before any window: query.cond/intr/term/spons and filter.advanced, in that order.
fetch::QueryParams search_params(const core::SearchConfig& search);
// The query of a later run: `search`'s own, restricted to studies whose LastUpdatePostDate is on or after the day
// before `window_date` (yyyy-MM-dd), the registry's date of the last completed run.
fetch::QueryParams windowed_search_params(const core::SearchConfig& search, std::string_view window_date);
// A text that changes whenever `search` asks for something else (a changed search starts again with a first run).
std::string search_fingerprint(const core::SearchConfig& search);

// Saved searches and related-trial discovery, run by the sync cycle: finds studies, tracks or suggests them with
// their events (search_matched, related_found), and remembers what it did so that no search or study is looked at
// more often than it needs to be.
class Discovery {
 public:
  // Wire discovery to its parts; all must outlive it. `route` and `publish` may be empty.
  Discovery(fetch::RegistryClient& registry, store::Discoveries& discoveries, const store::Versions& versions,
            const core::Clock& clock, const core::Logger& logger, DiscoveryOptions options, EventRouter route,
            EventPublisher publish);

  // Say whether a saved search has not yet run on the data of `data_timestamp`.
  bool searches_due(std::string_view data_timestamp) const;
  // Say whether an explicitly tracked study (source config or cli, with a stored version) is due for related-trial
  // discovery: never looked at, or not for rediscover_after. False when related.mode is off. One indexed query.
  bool subjects_due() const;

  // Run every saved search not yet run on `data_timestamp`'s data: the first run tracks every match quietly, later
  // runs query their window and record search_matched for each new study. A search the registry rejects is
  // reported and skipped until the next refresh; any other failure stops and is returned (nothing of that search
  // is stored). Return how many studies were newly tracked.
  core::Result<int> run_searches(std::string_view data_timestamp);
  // Look for related trials of the subjects_per_cycle studies that have waited longest (the rest wait for later
  // cycles), record related_found for the best new ones and, in mode track, track them. Return how many studies
  // were newly tracked.
  core::Result<int> discover_related(std::string_view data_timestamp);

 private:
  // `listed`: the watch list's IDs (tracked or untracked), which a run adds the studies it tracks to.
  core::Result<int> run_search(const core::SearchConfig& search, std::string_view data_timestamp,
                               std::set<std::string>& listed);
  // A trial a related-trial query returned, with what it shares with the study.
  struct Candidate {
    diff::StudyProfile profile;
    diff::Relatedness relatedness;
  };
  core::Result<int> discover_for(const core::NctId& subject, std::string_view data_timestamp,
                                 std::set<std::string>& listed);
  // The best new candidates for `subject` (at most related.max_per_study, best first).
  core::Result<std::vector<Candidate>> find_candidates(const core::NctId& subject, const diff::StudyProfile& profile,
                                                       const std::set<std::string>& listed);
  // The suggestion of `candidate` (with its related_found event) for `subject`.
  store::FoundStudy suggestion(const core::NctId& subject, const core::NctId& id, const Candidate& candidate,
                               bool track) const;
  std::vector<std::string> channels_for(core::EventType type, const std::string& nct_id,
                                        const std::string& source) const;
  void publish(const store::FoundStudy& found, const std::string& source, std::string_view data_timestamp) const;

  fetch::RegistryClient& m_registry;
  store::Discoveries& m_discoveries;
  const store::Versions& m_versions;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
  DiscoveryOptions m_options;
  EventRouter m_route;
  EventPublisher m_publish;
};

}  // namespace trialwatch::daemon
