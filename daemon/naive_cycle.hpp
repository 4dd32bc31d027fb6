// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "daemon/sync_cycle.hpp"
#include "fetch/registry_client.hpp"
#include "store/history.hpp"
#include "store/naive_versions.hpp"

namespace trialwatch::daemon {

// The benchmark's naive baseline (docs/performance.md), for `trialwatchd --once --strategy naive` only:
// one GET /studies/{id} per tracked study, no /version gate and no watermark, the whole text compared with the last
// stored one (so a versionHolder-only change counts), changed documents stored uncompressed. It has no diff, so it
// records no events; its run row counts requests, bytes, studies checked, fetched and changed.
class NaiveCycle {
 public:
  // Wire a cycle to its parts; all must outlive it.
  NaiveCycle(fetch::RegistryClient& registry, store::History& history, store::NaiveVersions& versions,
             const core::Clock& clock, const core::Logger& logger);

  // Run one cycle and record it as a run: completed (outcome "ok") or failed at the first failure.
  CycleReport run();

 private:
  core::Result<core::Ok> check_all(store::RunRecord& record);

  fetch::RegistryClient& m_registry;
  store::History& m_history;
  store::NaiveVersions& m_versions;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
};

}  // namespace trialwatch::daemon
