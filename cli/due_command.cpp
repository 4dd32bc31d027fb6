// SPDX-License-Identifier: MIT
// due: each tracked study's results state by the results due rule (docs/results-due.md), computed for the CLI's own
// day from the dates trialwatchd stored; and the pieces `list` shows of it.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/json_text.hpp"
#include "store/deadlines.hpp"

#include "report/results.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace trialwatch::cli {

namespace {

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

int due(const Context& context, bool overdue_only, Format format) {
  const auto rule = due_after(context);
  auto db = context.open_for_reading();
  auto studies = report::tracked_results(db, std::chrono::floor<std::chrono::days>(context.now()), rule);
  const bool any = !studies.empty();
  if (overdue_only)
    std::erase_if(studies, [](const report::StudyResults& s) { return s.due.state != diff::ResultsState::overdue; });
  report::sort_by_urgency(studies);
  if (format != Format::human) {
    write_out(report::due_json(studies));
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
