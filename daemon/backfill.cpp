// SPDX-License-Identifier: MIT
#include "daemon/backfill.hpp"

#include "core/json_text.hpp"
#include "core/partial_date.hpp"
#include "diff/classify.hpp"
#include "diff/event_id.hpp"
#include "diff/normalise.hpp"
#include "diff/registry_history.hpp"
#include "diff/study_facts.hpp"
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

// Turn `event` into one of the past, between `from` and `to` (named for its stable id, so the status list and the
// full documents name the same change alike and a re-run stores nothing twice): provenance registry_history, the
// version it dates from in its summary.
void add_past_event(store::PastVersion& version, const core::NctId& id, core::ChangeEvent event,
                    const std::string& from, const std::string& to, std::string_view when) {
  event.provenance = core::Provenance::registry_history;
  event.summary += fmt::format(" ({})", when);
  version.events.ids.push_back(diff::event_id(id.str(), from, to, event.type, event.path));
  version.events.events.push_back(std::move(event));
}

// Add `event`, the change that `version` made to the registry version before it.
void add_change(store::PastVersion& version, const core::NctId& id, core::ChangeEvent event) {
  const int number = version.registry_version;
  add_past_event(version, id, std::move(event), fmt::format("registry:{}", number - 1),
                 fmt::format("registry:{}", number),
                 fmt::format("registry version {}, posted {}", number, version.posted_date));
}

// Whether a past version submitted on `date` comes after the first snapshot seen live, submitted on `live_submitted`:
// its changes were seen live.
bool seen_live(std::string_view date, std::string_view live_submitted) {
  return !live_submitted.empty() && date > live_submitted;
}

// The listed versions, each with a status_changed event where its status differs from the version before and the
// change was not seen live.
std::vector<store::PastVersion> listed_versions(const core::NctId& id, const std::vector<diff::RegistryVersion>& list,
                                                std::string_view live_submitted) {
  std::vector<store::PastVersion> versions;
  for (std::size_t i = 0; i < list.size(); ++i) {
    store::PastVersion version;
    version.registry_version = list[i].version;
    version.posted_date = list[i].date;
    version.overall_status = list[i].status;
    if (i > 0 && list[i - 1].status != list[i].status && !seen_live(list[i].date, live_submitted))
      add_change(version, id,
                 core::ChangeEvent{core::EventType::status_changed, core::Provenance::registry_history,
                                   "protocolSection.statusModule.overallStatus", core::json_quote(list[i - 1].status),
                                   core::json_quote(list[i].status),
                                   fmt::format("Status: {} → {}", list[i - 1].status, list[i].status)});
    versions.push_back(std::move(version));
  }
  return versions;
}

// The registry version of `versions` the first live snapshot follows: the last submitted on or before it.
std::optional<int> bridge_version(const std::vector<store::PastVersion>& versions, std::string_view live_submitted) {
  std::optional<int> bridge;
  for (const auto& version : versions)
    if (!seen_live(version.posted_date, live_submitted)) bridge = version.registry_version;
  return bridge;
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
  const auto first = m_live.document(task.id, 1);
  if (!first) {  // not synced yet (or never served): its past waits for its first snapshot, behind the others
    m_history.postpone(task.id, m_clock.now() + retry_after(0));
    return core::Ok{};
  }
  TW_TRY(facts, diff::read_study_facts(*first));
  TW_TRY(comparable, diff::comparable_form(*first));
  // Where the past ends: the snapshot's submit date, else (a record never seen from the registry) its post date, a
  // day or so later. Without a full date there is no telling which versions were seen live: all are told, no bridge.
  std::string submitted =
      facts->last_update_submit_date.empty() ? facts->last_update_post_date : facts->last_update_submit_date;
  if (const auto day = core::PartialDate::parse(submitted);
      !day || day->precision() != core::PartialDate::Precision::day) {
    m_logger.log(core::LogLevel::warning, "{}: its first snapshot gives no full update date; its past is told whole",
                 task.id.str());
    submitted.clear();
  }
  const LiveStart live{std::move(submitted), std::move(*comparable)};
  if (!task.known) {
    TW_TRY(listed, read_list(task.id, live, data_timestamp));
  }
  if (task.mode != BackfillMode::full) return core::Ok{};
  const auto versions = m_history.versions(task.id);
  const auto bridge = live.submitted.empty() ? std::nullopt : bridge_version(versions, live.submitted);
  for (const auto& version : versions) {
    if (!version.hash.empty()) continue;  // its document is stored
    if (!budget_left()) return core::Ok{};
    TW_TRY(fetched, fetch_version(task.id, version, live, version.registry_version == bridge, data_timestamp));
  }
  return core::Ok{};
}

core::Result<core::Ok> Backfill::read_list(const core::NctId& id, const LiveStart& live,
                                           std::string_view data_timestamp) {
  ++m_report.requests;
  TW_TRY(body, m_registry.history_list(id));
  TW_TRY(list, diff::read_history_list(*body));
  if (list->empty()) m_logger.log(core::LogLevel::info, "{} has no past versions in the registry's history", id.str());
  m_history.record_list(id, listed_versions(id, *list, live.submitted), data_timestamp, m_clock.now());
  m_report.listed += static_cast<int>(list->size());
  return core::Ok{};
}

core::Result<core::Ok> Backfill::fetch_version(const core::NctId& id, const store::PastVersion& listed,
                                               const LiveStart& live, bool bridge, std::string_view data_timestamp) {
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
  if (previous && !seen_live(listed.posted_date, live.submitted)) {
    TW_TRY(before, diff::comparable_form(*previous));
    TW_TRY(changes, past_changes(*before, *comparable));
    for (auto& event : *changes) add_change(version, id, std::move(event));
  }
  if (bridge) {
    // The same record in two formats: only real changes are events.
    TW_TRY(changes, past_changes(*comparable, live.comparable));
    const auto when = fmt::format("between registry version {}, posted {}, and the first snapshot seen live",
                                  version.registry_version, version.posted_date);
    for (auto& event : *changes)
      add_past_event(version, id, std::move(event), fmt::format("registry:{}", version.registry_version), "live:1",
                     when);
  }
  crash_point("backfill_before_document");
  m_history.record_document(id, version, previous, data_timestamp, m_clock.now());
  crash_point("backfill_after_document");
  ++m_report.fetched;
  return core::Ok{};
}

core::Result<std::vector<core::ChangeEvent>> Backfill::past_changes(std::string_view before, std::string_view after) {
  TW_TRY(comparison, m_differ.compare(before, after));
  return diff::classify(comparison->changes, comparison->before, comparison->after).events;
}

}  // namespace trialwatch::daemon
