// SPDX-License-Identifier: MIT
#include "report/status.hpp"

#include "core/json_text.hpp"
#include "core/strings.hpp"

#include <fmt/format.h>

namespace trialwatch::report {

namespace {

std::string run_json(const std::optional<store::RunRecord>& run) {
  if (!run) return "null";
  return fmt::format(
      R"({{"started_at":{},"finished_at":{},"outcome":{},"data_timestamp":{},"requests":{},"bytes":{},"checked":{},)"
      R"("fetched":{},"changed":{},"events":{},"error":{}}})",
      core::json_quote(run->started_at), core::json_quote(run->finished_at),
      core::json_quote(store::run_outcome_name(run->outcome)), core::json_quote(run->data_timestamp), run->requests,
      run->bytes, run->checked, run->fetched, run->changed, run->events,
      run->error.empty() ? "null" : core::json_quote(run->error));
}

std::string optional_json(const std::optional<std::string>& text) { return text ? core::json_quote(*text) : "null"; }

std::string backfill_json(const store::BackfillProgress& p) {
  return fmt::format(R"({{"waiting":{},"known":{},"fetched":{},"failing":{},"last_error":{}}})", p.waiting, p.known,
                     p.fetched, p.failing, p.last_error.empty() ? "null" : core::json_quote(p.last_error));
}

std::string searches_json(const std::vector<store::SearchStatus>& searches) {
  std::string out = "[";
  for (const auto& s : searches)
    out += fmt::format(R"({}{{"name":{},"completed_at":{},"window_date":{},"tracked":{},"error":{}}})",
                       out.size() > 1 ? "," : "", core::json_quote(s.name),
                       s.completed_at.empty() ? "null" : core::json_quote(s.completed_at),
                       s.window_date.empty() ? "null" : core::json_quote(s.window_date), s.tracked,
                       s.last_error.empty() ? "null" : core::json_quote(s.last_error));
  return out + "]";
}

}  // namespace

StatusReport status_report(store::Database& db, std::chrono::system_clock::time_point now) {
  StatusReport report;
  report.store = store::Queries(db).status();
  report.backfill = store::RegistryHistory(db).progress();
  report.verdict = judge_health(report.store, now);
  return report;
}

std::string status_json(const StatusReport& status, const std::filesystem::path& database) {
  const auto& s = status.store;
  const auto& n = s.notifications;
  return fmt::format(R"({{"database":{},"health":"{}","health_sentence":{},"data_timestamp":{},"last_reconcile":{},)"
                     R"("next_check_at":{},"check_interval_seconds":{},"last_run":{},"last_successful_run":{},)"
                     R"("tracked":{},"studies_with_versions":{},"not_found":{},"versions":{},"events":{},)"
                     R"("database_bytes":{},"notifications":{{"pending":{},"delivered":{},"dead":{}}},)"
                     R"("searches":{},"backfill":{}}})"
                     "\n",
                     core::json_quote(database.string()), health_name(status.verdict.health),
                     status.verdict.sentence.empty() ? "null" : core::json_quote(status.verdict.sentence),
                     optional_json(s.completed_data_timestamp), optional_json(s.last_reconcile),
                     optional_json(s.next_check_at), s.check_interval ? std::to_string(*s.check_interval) : "null",
                     run_json(s.last_run), run_json(s.last_successful_run), s.tracked, s.studies_with_versions,
                     core::json_string_array(s.not_found), s.versions, s.events, s.database_bytes, n.pending,
                     n.delivered, n.dead, searches_json(s.searches), backfill_json(status.backfill));
}

}  // namespace trialwatch::report
