// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/log.hpp"
#include "daemon/discovery.hpp"
#include "daemon/study_step.hpp"
#include "fetch/registry_client.hpp"
#include "store/discoveries.hpp"
#include "store/runs.hpp"
#include "store/stored_event.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::daemon {

// The knobs of one sync cycle.
struct CycleOptions {
  std::chrono::seconds full_reconcile{7 * 24 * 3600};
  int watermark_page_size = 1000;  // studies per page in the watermark pass (the API's maximum)
  // Full documents are asked for in pages of about this many bytes, by what each is expected to weigh: a study
  // with results (up to 1.5 MB) as `results_bytes`, any other as `plain_bytes` (docs/registry-api.md has sizes).
  std::size_t page_bytes = 8u << 20;
  std::size_t results_bytes = 100u << 10;
  std::size_t plain_bytes = 20u << 10;
  bool force_reconcile = false;  // fetch every tracked study in full now, whatever the schedule says
  // Handled studies are committed together, in one transaction and one disk flush, once this many are pending
  // or their documents reach `commit_bytes`, and at the end of the fetch. A crash loses no change: the cycle's
  // watermark has not advanced, so the next cycle fetches the uncommitted studies again.
  std::size_t commit_studies = 100;
  std::size_t commit_bytes = 16u << 20;
  // Called with each new event once it is committed (the journal, the event log); may be empty.
  std::function<void(const store::StoredEvent&)> on_event;
  // Names the notification channels that must send an event of this type about this study, tracked for this
  // reason; their outbox rows are written with the event. May be empty (no notifications).
  EventRouter route;
  // Saved searches and related-trial discovery (docs/discovery.md); none by default.
  DiscoveryOptions discovery;
  // Called often while the cycle works (after each page and study), from the calling thread: the watchdog ping.
  std::function<void()> heartbeat;
  // Test builds: called at the named points where a crash test may end the process (core::CrashPoints):
  // "before_commit" and "after_commit" around each batch's transaction, "before_watermark" between recording the
  // run and writing the completed dataTimestamp. May be empty.
  std::function<void(std::string_view)> crash_point;
};

// How a cycle ended.
enum class CycleOutcome {
  unchanged,  // the registry was not refreshed and nothing was due: one request
  completed,  // every tracked study was checked and every change stored
  partial,    // like completed, but studies whose records could not be read were skipped: the data is not synced
  failed,     // the cycle could not complete; no watermark advanced
};

// What a cycle did.
struct CycleReport {
  CycleOutcome outcome = CycleOutcome::failed;
  store::RunRecord run;
  std::vector<fetch::UnreadableStudy> skipped;  // the studies a partial cycle skipped, and why
  std::vector<core::NctId> rejected;            // IDs the registry rejects as malformed: left out until that changes
};

// The parts of one database a cycle reads and writes; each must outlive the cycle.
struct CycleStore {
  store::WatchList& watch_list;
  store::Versions& versions;
  store::Runs& runs;
  store::Discoveries& discoveries;
};

// One complete, correct sync cycle (docs/sync.md): the /version gate, saved searches, the watermark pass, full
// fetches of new, changed and missing studies, diff and classification, batched transactions (each study's version,
// changes and events together), related-trial discovery, and the completed-cycle watermark written last.
class SyncCycle {
 public:
  // Wire a cycle to its parts; all must outlive it.
  SyncCycle(fetch::RegistryClient& registry, CycleStore store, const core::Clock& clock, const core::Logger& logger,
            CycleOptions options);

  // Run one cycle and record it as a run.
  CycleReport run();

 private:
  fetch::RegistryClient& m_registry;
  CycleStore m_store;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
  CycleOptions m_options;
};

// The fields of the watermark pass (valid piece names of the registry's metadata).
inline constexpr const char* k_watermark_fields =
    "NCTId,NCTIdAlias,LastUpdatePostDate,OverallStatus,HasResults,ResultsFirstPostDate,ResultsFirstSubmitDate,"
    "UnpostedEventType,UnpostedEventDate";

}  // namespace trialwatch::daemon
