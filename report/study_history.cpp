// SPDX-License-Identifier: MIT
#include "report/study_history.hpp"

#include "core/json_text.hpp"
#include "diff/study_facts.hpp"
#include "store/event_json.hpp"
#include "store/versions.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::report {

namespace {

// The due date of each version, oldest first: where a slipping completion date moved the day results are owed. A
// damaged stored document leaves the dates out, with the store's sentence: the timeline does not need them.
void read_due_dates(store::Database& db, StudyHistory& history, std::chrono::sys_days today, diff::DueAfter due_after) {
  const store::RegistryHistory registry(db);
  const store::Versions live(db);
  // Each version decoded once, oldest first; both lists are oldest first too, so a cursor finds each one's slot.
  history.due_dates.assign(history.past.size() + history.versions.size(), "");
  try {
    std::size_t at = 0;
    registry.each_document(history.id, [&](int number, const std::string& raw) {
      while (at < history.past.size() && history.past[at].registry_version < number) ++at;
      if (at < history.past.size() && history.past[at].registry_version == number)
        history.due_dates[at] = due_date_in(raw, today, due_after);
    });
    at = 0;
    live.each_document(history.id, [&](int number, const std::string& raw) {
      while (at < history.versions.size() && history.versions[at].version < number) ++at;
      if (at < history.versions.size() && history.versions[at].version == number)
        history.due_dates[history.past.size() + at] = due_date_in(raw, today, due_after);
    });
  } catch (const store::StoreError& e) {
    history.due_error = e.what();
    history.due_dates.clear();
  }
  history.due_dates.resize(history.past.size() + history.versions.size());
}

std::string due_members(const std::string& due) {
  if (due.empty()) return R"("results_due":null,"results_due_estimated":false)";
  const bool estimated = due.front() == '~';
  return fmt::format(R"("results_due":{},"results_due_estimated":{})",
                     core::json_quote(estimated ? due.substr(1) : due), estimated ? "true" : "false");
}

}  // namespace

std::string due_date_in(std::string_view document, std::chrono::sys_days today, diff::DueAfter due_after) {
  const auto facts = diff::read_study_facts(document);
  if (!facts) return "";
  const auto due = diff::results_due(diff::due_facts(*facts), today, due_after);
  if (due.due_date.empty()) return "";
  return (due.estimated ? "~" : "") + due.due_date;
}

StudyHistory study_history(store::Database& db, const core::NctId& id, std::chrono::sys_days today,
                           diff::DueAfter due_after) {
  const store::Queries queries(db);
  StudyHistory history{id, store::RegistryHistory(db).versions(id), queries.versions(id), {}, {}, {}};
  store::EventQuery query;
  query.nct_id = id;
  history.events = queries.events(query);
  std::reverse(history.events.begin(), history.events.end());  // oldest first, like the versions
  read_due_dates(db, history, today, due_after);
  return history;
}

std::string history_json(const StudyHistory& history) {
  const auto& past = history.past;
  const auto& versions = history.versions;
  std::string out = "{\"nct_id\":" + core::json_quote(history.id.str()) + ",\"past_versions\":[";
  for (std::size_t i = 0; i < past.size(); ++i) {
    const auto& p = past[i];
    out += fmt::format(R"({}{{"registry_version":{},"posted_date":{},"status":{},"fetched":{},{}}})", i ? "," : "",
                       p.registry_version, core::json_quote(p.posted_date), core::json_quote(p.overall_status),
                       p.hash.empty() ? "false" : "true", due_members(history.due_dates[i]));
  }
  out += "],\"versions\":[";
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const auto& v = versions[i];
    out += fmt::format(R"({}{{"version":{},"fetched_at":{},"data_timestamp":{},"last_update_posted":{},)"
                       R"("raw_size":{},"changes":{},{}}})",
                       i ? "," : "", v.version, core::json_quote(v.fetched_at), core::json_quote(v.data_timestamp),
                       core::json_quote(v.last_update_post_date), v.raw_size, v.changes,
                       due_members(history.due_dates[past.size() + i]));
  }
  out += "],\"events\":[";
  for (std::size_t i = 0; i < history.events.size(); ++i)
    out.append(i ? "," : "").append(store::event_json(history.events[i]));
  return out + "]}\n";
}

}  // namespace trialwatch::report
