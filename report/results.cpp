// SPDX-License-Identifier: MIT
#include "report/results.hpp"

#include "core/json_text.hpp"
#include "store/deadlines.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace trialwatch::report {

namespace {

// Where a study sorts: overdue, due soon, not due, submitted, posted; a study without a due date last.
int rank(const diff::ResultsDue& due) {
  if (due.due_date.empty()) return 5;
  switch (due.state) {
    case diff::ResultsState::overdue:
      return 0;
    case diff::ResultsState::due_soon:
      return 1;
    case diff::ResultsState::not_due:
      return 2;
    case diff::ResultsState::submitted:
      return 3;
    case diff::ResultsState::posted:
      return 4;
  }
  return 5;
}

std::string json_or_null(const std::string& text) { return text.empty() ? "null" : core::json_quote(text); }

std::string study_json(const StudyResults& study) {
  std::string out = "{\"nct_id\":" + core::json_quote(study.id.str()) + ",";
  append_results_members(out, study.due);
  out += fmt::format(R"(,"basis":{},"rule":{},"certification":{}}})", json_or_null(study.due.basis),
                     core::json_quote(study.due.rule), json_or_null(study.due.certification));
  return out;
}

}  // namespace

std::vector<StudyResults> tracked_results(store::Database& db, std::chrono::sys_days today, diff::DueAfter due_after) {
  std::vector<StudyResults> results;
  for (const auto& dates : store::Deadlines(db).tracked())
    results.push_back(StudyResults{dates.id, diff::results_due(dates.facts, today, due_after)});
  return results;
}

const diff::ResultsDue* results_of(const std::vector<StudyResults>& results, const core::NctId& id) {
  const auto at = std::lower_bound(results.begin(), results.end(), id.str(),
                                   [](const StudyResults& r, const std::string& key) { return r.id.str() < key; });
  return at != results.end() && at->id == id ? &at->due : nullptr;
}

void sort_by_urgency(std::vector<StudyResults>& studies) {
  std::stable_sort(studies.begin(), studies.end(), [](const StudyResults& a, const StudyResults& b) {
    return std::forward_as_tuple(rank(a.due), a.due.due_date) < std::forward_as_tuple(rank(b.due), b.due.due_date);
  });
}

void append_results_members(std::string& out, const diff::ResultsDue& due) {
  out += fmt::format(R"("state":{},"due_date":{},"estimated":{},"days_left":{})",
                     core::json_quote(diff::results_state_name(due.state)), json_or_null(due.due_date),
                     due.estimated ? "true" : "false", due.days_left ? std::to_string(*due.days_left) : "null");
}

std::string results_json(const diff::ResultsDue* due) {
  if (due == nullptr) return "null";
  std::string out = "{";
  append_results_members(out, *due);
  return out + "}";
}

std::string due_json(const std::vector<StudyResults>& studies) {
  std::string out = "[";
  for (std::size_t i = 0; i < studies.size(); ++i) out.append(i ? "," : "").append(study_json(studies[i]));
  return out + "]\n";
}

}  // namespace trialwatch::report
