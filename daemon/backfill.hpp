// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/log.hpp"
#include "core/nct_id.hpp"
#include "core/result.hpp"
#include "diff/json_diff.hpp"
#include "fetch/registry_client.hpp"
#include "store/registry_history.hpp"
#include "store/versions.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace trialwatch::daemon {

// What one cycle's backfill did.
struct BackfillReport {
  int requests = 0;  // history requests made
  int listed = 0;    // past versions the lists named
  int fetched = 0;   // past versions whose documents were stored
  int failed = 0;    // studies whose attempt failed (retried later)
};

// Backfills tracked studies' past versions from the registry's history endpoints (docs/history.md), after the sync's
// own work and within [history] requests_per_cycle. Past changes become events with provenance registry_history,
// which never notify. Only what happened before the study's first snapshot seen live is told again: past versions
// submitted later were seen live, and between the last past version before it and that snapshot only real changes
// are events. A failed or odd-shaped answer is one sentence in the log and `status`, and a retry with backoff: the
// sync is never held up by it.
class Backfill {
 public:
  // Work through `registry` on `history`, comparing with the snapshots in `live`, queueing the tracked studies as
  // `config` says; all references must outlive this object. `crash_point`, when set, is passed
  // "backfill_before_document" and "backfill_after_document" around each stored past version (core::CrashPoints, for
  // the crash tests).
  Backfill(fetch::RegistryClient& registry, store::RegistryHistory& history, const store::Versions& live,
           const core::Clock& clock, const core::Logger& logger, const core::HistoryConfig& config,
           std::function<void(std::string_view)> crash_point = {})
      : m_registry(registry),
        m_history(history),
        m_live(live),
        m_clock(clock),
        m_logger(logger),
        m_config(config),
        m_crash_point(std::move(crash_point)) {}

  // Queue the studies tracked since the last run, then backfill what is due until the budget is spent; the events
  // carry `data_timestamp`, the registry data of this cycle.
  BackfillReport run(std::string_view data_timestamp);

 private:
  // The study's first snapshot seen live: where its past ends.
  struct LiveStart {
    std::string submitted;   // its lastUpdateSubmitDate: past versions submitted later were seen live
    std::string comparable;  // its comparable_form(), for the bridge from the last past version
  };

  void queue_new_studies();
  // Backfill `task` within what is left of the budget; fail on the first request or answer that goes wrong.
  core::Result<core::Ok> work_on(const store::BackfillTask& task, std::string_view data_timestamp);
  core::Result<core::Ok> read_list(const core::NctId& id, const LiveStart& live, std::string_view data_timestamp);
  core::Result<core::Ok> fetch_version(const core::NctId& id, const store::PastVersion& listed, const LiveStart& live,
                                       bool bridge, std::string_view data_timestamp);
  // The events of the changes from `before` to `after`, both in comparable_form().
  core::Result<std::vector<core::ChangeEvent>> past_changes(std::string_view before, std::string_view after);
  bool budget_left() const { return m_report.requests < m_config.requests_per_cycle; }
  void crash_point(std::string_view name) const {
    if (m_crash_point) m_crash_point(name);
  }

  fetch::RegistryClient& m_registry;
  store::RegistryHistory& m_history;
  const store::Versions& m_live;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
  const core::HistoryConfig& m_config;
  std::function<void(std::string_view)> m_crash_point;
  diff::StudyDiffer m_differ;
  BackfillReport m_report;
};

}  // namespace trialwatch::daemon
