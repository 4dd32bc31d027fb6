// SPDX-License-Identifier: MIT
// due: each tracked study's results state by the results due rule (docs/results-due.md), computed for the CLI's own
// day from the dates trialwatchd stored; and the pieces `list` shows of it.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/json_text.hpp"
#include "store/deadlines.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace trialwatch::cli {

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

// The DUE cell: the date, "~" before an expected one (an ESTIMATED completion), "-" for none.
std::string due_cell(const diff::ResultsDue& due) {
  if (due.due_date.empty()) return "-";
  return (due.estimated ? "~" : "") + due.due_date;
}

// The DAYS cell: "43 overdue", "12 left", "today"; "~" before an expected date's, which is never overdue ("~5 past");
// empty for submitted and posted results, which no longer count down.
std::string days_cell(const diff::ResultsDue& due) {
  if (!due.days_left || due.state == diff::ResultsState::submitted || due.state == diff::ResultsState::posted)
    return "";
  const long days = *due.days_left;
  const std::string mark = due.estimated ? "~" : "";
  if (days == 0) return mark + "today";
  if (days < 0) return fmt::format("{}{} {}", mark, -days, due.estimated ? "past" : "overdue");
  return fmt::format("{}{} left", mark, days);
}

// The RULE cell: the rule applied (with any certification of delay) and the date it counts from.
std::string rule_cell(const diff::ResultsDue& due) {
  return due.basis.empty() ? due.rule : fmt::format("{}; from {}", due.rule, due.basis);
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

diff::DueAfter due_after(const Context& context) {
  const auto config = context.read_config();
  return config ? diff::DueAfter{config->results.due_after_months} : diff::DueAfter{};
}

diff::DueAfter due_after_or_default(const Context& context) {
  try {
    return due_after(context);
  } catch (const core::ConfigError& e) {
    std::fprintf(stderr, "trialwatch: %s; results are counted as due 12 months after completion\n", e.what());
    return {};
  }
}

std::vector<StudyResults> tracked_results(const Context& context, store::Database& db, diff::DueAfter due_after) {
  const auto today = std::chrono::floor<std::chrono::days>(context.now());
  std::vector<StudyResults> results;
  for (const auto& dates : store::Deadlines(db).tracked())
    results.push_back(StudyResults{dates.id, diff::results_due(dates.facts, today, due_after)});
  return results;
}

std::string results_cell(const diff::ResultsDue& due) {
  switch (due.state) {
    case diff::ResultsState::posted:
      return "posted";
    case diff::ResultsState::submitted:
      return "submitted";
    case diff::ResultsState::overdue:
      return fmt::format("overdue {}d", due.days_left ? -*due.days_left : 0);
    case diff::ResultsState::due_soon:
    case diff::ResultsState::not_due:
      break;
  }
  return due.due_date.empty() ? "-" : "due " + due_cell(due);
}

void append_results_members(std::string& out, const diff::ResultsDue& due) {
  out += fmt::format(R"("state":{},"due_date":{},"estimated":{},"days_left":{})",
                     core::json_quote(diff::results_state_name(due.state)), json_or_null(due.due_date),
                     due.estimated ? "true" : "false", due.days_left ? std::to_string(*due.days_left) : "null");
}

int due(const Context& context, bool overdue_only, Format format) {
  const auto rule = due_after(context);
  auto db = context.open_for_reading();
  auto studies = tracked_results(context, db, rule);
  const bool any = !studies.empty();
  if (overdue_only)
    std::erase_if(studies, [](const StudyResults& s) { return s.due.state != diff::ResultsState::overdue; });
  // Most overdue first: within a state, the earliest due date first (NCT order breaks ties, stable).
  std::stable_sort(studies.begin(), studies.end(), [](const StudyResults& a, const StudyResults& b) {
    return std::forward_as_tuple(rank(a.due), a.due.due_date) < std::forward_as_tuple(rank(b.due), b.due.due_date);
  });
  if (format != Format::human) {
    std::string out = "[";
    for (std::size_t i = 0; i < studies.size(); ++i) out.append(i ? "," : "").append(study_json(studies[i]));
    write_out(out + "]\n");
    return 0;
  }
  if (!any) {
    std::puts("trialwatchd has not read any tracked study's dates yet; it does at its next cycle.");
    return 0;
  }
  if (studies.empty()) {
    std::puts("No tracked study's results are overdue.");
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : studies)
    rows.push_back({s.id.str(), std::string(diff::results_state_name(s.due.state)), due_cell(s.due), days_cell(s.due),
                    rule_cell(s.due)});
  write_out(table({"STUDY", "RESULTS", "DUE", "DAYS", "RULE"}, rows, context.width()));
  return 0;
}

}  // namespace trialwatch::cli
