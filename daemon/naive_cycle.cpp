// SPDX-License-Identifier: MIT
#include "daemon/naive_cycle.hpp"

#include <utility>

namespace trialwatch::daemon {

NaiveCycle::NaiveCycle(fetch::RegistryClient& registry, store::History& history, store::NaiveVersions& versions,
                       const core::Clock& clock, const core::Logger& logger)
    : m_registry(registry), m_history(history), m_versions(versions), m_clock(clock), m_logger(logger) {}

CycleReport NaiveCycle::run() {
  const auto started = m_clock.now();
  store::RunRecord record;
  record.id = m_history.begin_run(started);
  record.started_at = core::format_rfc3339(started);
  auto result = check_all(record);
  record.requests = m_registry.stats().requests;
  record.bytes = m_registry.stats().bytes;
  record.finished_at = core::format_rfc3339(m_clock.now());
  record.outcome = result ? "ok" : "failed";
  if (!result) record.error = std::move(result).error().message;
  m_history.finish_run(record);
  if (result)
    m_logger.log(core::LogLevel::info, "naive cycle complete: {} studies checked, {} fetched, {} changed",
                 record.checked, record.fetched, record.changed);
  return CycleReport{result ? CycleOutcome::completed : CycleOutcome::failed, record, {}};  // never partial
}

// Fetch every actively tracked study in full and store each document whose text differs from the last stored one.
core::Result<core::Ok> NaiveCycle::check_all(store::RunRecord& record) {
  for (const auto& entry : m_history.watchlist()) {
    ++record.checked;
    auto lookup = m_registry.study(entry.id);
    if (!lookup) return std::move(lookup).error();
    if (lookup->kind != fetch::StudyLookup::Kind::found) continue;
    ++record.fetched;
    if (m_versions.latest(entry.id) == lookup->body) continue;
    m_versions.store(entry.id, lookup->body, m_clock.now());
    ++record.changed;
  }
  return core::Ok{};
}

}  // namespace trialwatch::daemon
