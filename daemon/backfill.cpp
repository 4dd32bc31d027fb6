// SPDX-License-Identifier: MIT
#include "daemon/backfill.hpp"

#include "core/json_text.hpp"
#include "diff/classify.hpp"
#include "diff/event_id.hpp"
#include "diff/normalise.hpp"
#include "diff/registry_history.hpp"
#include "diff/website_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::daemon {

namespace {

using core::Error;
using store::BackfillMode;

// How long a failed backfill waits before it is tried again: 10 minutes doubling per failure, at most a day.
std::chrono::minutes retry_after(int failures) {
  return std::chrono::minutes(std::min(24 * 60, 10 << std::clamp(failures, 0, 8)));
}

// The backfill mode a [history] setting asks for, or nothing for off.
std::optional<BackfillMode> mode_for(core::HistoryConfig::Backfill setting) {
  switch (setting) {
    case core::HistoryConfig::Backfill::full:
      return BackfillMode::full;
    case core::HistoryConfig::Backfill::status:
      return BackfillMode::status;
    case core::HistoryConfig::Backfill::off:
      return std::nullopt;
  }
  return std::nullopt;
}

// A past event's stable id: between two registry version numbers, so the status list and the full documents name
// the same change alike and a re-run stores nothing twice.
std::string past_event_id(const core::NctId& id, int version, const core::ChangeEvent& event) {
  return diff::event_id(id.str(), fmt::format("registry:{}", version - 1), fmt::format("registry:{}", version),
                        event.type, event.path);
}

// Turn `event` into one of the past: provenance registry_history, the version it dates from in its summary.
void add_past_event(store::PastVersion& version, const core::NctId& id, core::ChangeEvent event) {
  event.provenance = core::Provenance::registry_history;
  event.summary += fmt::format(" (registry version {}, posted {})", version.registry_version, version.posted_date);
  version.events.ids.push_back(past_event_id(id, version.registry_version, event));
  version.events.events.push_back(std::move(event));
}

// The listed versions, each with a status_changed event where its status differs from the version before.
std::vector<store::PastVersion> listed_versions(const core::NctId& id, const std::vector<diff::RegistryVersion>& list) {
  std::vector<store::PastVersion> versions;
  for (std::size_t i = 0; i < list.size(); ++i) {
    store::PastVersion version;
    version.registry_version = list[i].version;
    version.posted_date = list[i].date;
    version.overall_status = list[i].status;
    if (i > 0 && list[i - 1].status != list[i].status)
      add_past_event(version, id,
                     core::ChangeEvent{core::EventType::status_changed, core::Provenance::registry_history,
                                       "protocolSection.statusModule.overallStatus",
                                       core::json_quote(list[i - 1].status), core::json_quote(list[i].status),
                                       fmt::format("Status: {} → {}", list[i - 1].status, list[i].status)});
    versions.push_back(std::move(version));
  }
  return versions;
}

}  // namespace

BackfillReport Backfill::run(std::string_view data_timestamp) {
  m_report = {};
  queue_new_studies();
  const auto now = m_clock.now();
  for (const auto& task : m_history.due(now, 1000)) {
    if (!budget_left()) break;
    if (auto done = work_on(task, data_timestamp); !done) {
      ++m_report.failed;
      const auto message = fmt::format("backfill of {}: {}", task.id.str(), done.error().message);
      m_logger.log(core::LogLevel::warning, "{}; retried in {} minutes", message, retry_after(task.failures).count());
      m_history.record_failure(task.id, message, now + retry_after(task.failures));
    }
  }
  if (m_report.requests > 0)
    m_logger.log(core::LogLevel::info, "backfill: {} requests, {} past versions listed, {} fetched", m_report.requests,
                 m_report.listed, m_report.fetched);
  return m_report;
}

void Backfill::queue_new_studies() {
  m_history.enqueue_tracked(mode_for(m_config.backfill), mode_for(m_config.discovered), m_clock.now());
}

core::Result<core::Ok> Backfill::work_on(const store::BackfillTask& task, std::string_view data_timestamp) {
  if (!task.known) {
    TW_TRY(listed, read_list(task.id, data_timestamp));
  }
  if (task.mode != BackfillMode::full) return core::Ok{};
  for (const auto& version : m_history.versions(task.id)) {
    if (!version.hash.empty()) continue;  // its document is stored
    if (!budget_left()) return core::Ok{};
    TW_TRY(fetched, fetch_version(task.id, version, data_timestamp));
  }
  return core::Ok{};
}

core::Result<core::Ok> Backfill::read_list(const core::NctId& id, std::string_view data_timestamp) {
  ++m_report.requests;
  TW_TRY(body, m_registry.history_list(id));
  TW_TRY(list, diff::read_history_list(*body));
  if (list->empty()) m_logger.log(core::LogLevel::info, "{} has no past versions in the registry's history", id.str());
  m_history.record_list(id, listed_versions(id, *list), data_timestamp, m_clock.now());
  m_report.listed += static_cast<int>(list->size());
  return core::Ok{};
}

core::Result<core::Ok> Backfill::fetch_version(const core::NctId& id, const store::PastVersion& listed,
                                               std::string_view data_timestamp) {
  ++m_report.requests;
  TW_TRY(body, m_registry.history_version(id, listed.registry_version));
  TW_TRY(document, diff::read_history_version(*body, listed.registry_version));
  if (document->nct_id != id)
    return Error{Error::Code::bad_response, fmt::format("version {} describes {}, not {}", listed.registry_version,
                                                        document->nct_id.str(), id.str())};
  TW_TRY(comparable, diff::comparable_form(document->study_json));
  store::PastVersion version = listed;
  version.events = {};
  version.raw_json = std::string(document->study_json);
  version.hash = diff::hash128_hex(*comparable);
  std::optional<std::string> previous;
  if (listed.registry_version > 0) previous = m_history.document(id, listed.registry_version - 1);
  if (previous) {
    TW_TRY(before, diff::comparable_form(*previous));
    TW_TRY(comparison, m_differ.compare(*before, *comparable));
    for (auto& event : diff::classify(comparison->changes, comparison->before, comparison->after).events)
      add_past_event(version, id, std::move(event));
  }
  crash_point("backfill_before_document");
  m_history.record_document(id, version, previous, data_timestamp, m_clock.now());
  crash_point("backfill_after_document");
  ++m_report.fetched;
  return core::Ok{};
}

}  // namespace trialwatch::daemon
