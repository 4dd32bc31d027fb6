// SPDX-License-Identifier: MIT
#include "diff/results_due.hpp"

#include "core/partial_date.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::diff {

namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr long k_due_soon_days = 30;
constexpr int k_certification_months = 24;

// Return the day `text` stands for: a partial date counts as the last day of its month or year; nothing when
// `text` is empty or not a registry date.
std::optional<sys_days> last_day_of(std::string_view text) {
  const auto date = core::PartialDate::parse(text);
  if (!date) return std::nullopt;
  const std::chrono::year year{date->year()};
  switch (date->precision()) {
    case core::PartialDate::Precision::year:
      return sys_days{year / std::chrono::December / std::chrono::last};
    case core::PartialDate::Precision::month:
      return sys_days{year / std::chrono::month(static_cast<unsigned>(date->month())) / std::chrono::last};
    case core::PartialDate::Precision::day:
      break;
  }
  return sys_days{year / std::chrono::month(static_cast<unsigned>(date->month())) /
                  std::chrono::day(static_cast<unsigned>(date->day()))};
}

// Return `day` moved by `months` calendar months, on the same day of the month or the month's last day when it is
// shorter (2026-01-31 + 1 month = 2026-02-28).
sys_days plus_months(sys_days day, int months) {
  const year_month_day ymd{day};
  const auto month = std::chrono::year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  const auto last = (month / std::chrono::last).day();
  return sys_days{month / std::min(ymd.day(), last)};
}

std::string iso(sys_days day) {
  const year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

// The date the rule counts from.
struct Basis {
  sys_days day;
  const DatedField* field;
  bool primary;
};

std::optional<Basis> basis_of(const DueFacts& facts) {
  if (const auto day = last_day_of(facts.primary_completion.date)) return Basis{*day, &facts.primary_completion, true};
  if (const auto day = last_day_of(facts.completion.date)) return Basis{*day, &facts.completion, false};
  return std::nullopt;
}

std::string basis_text(const Basis& basis) {
  const auto* name = basis.primary ? "primary completion" : "completion";
  if (basis.field->type.empty()) return fmt::format("{} {}", name, basis.field->date);
  return fmt::format("{} {} ({})", name, basis.field->date, basis.field->type);
}

// Fill the basis, rule, estimated flag and certification of `due` from `basis` and the certification of delay, if
// any; return the due date.
sys_days count_from(const DueFacts& facts, const Basis& basis, DueAfter due_after, ResultsDue& due) {
  const auto without = plus_months(basis.day, due_after.months);
  auto day = without;
  due.basis = basis_text(basis);
  due.estimated = basis.field->type == "ESTIMATED";
  due.rule = fmt::format("{} month{} after {}", due_after.months, due_after.months == 1 ? "" : "s",
                         basis.primary ? "primary completion" : "completion");
  if (!basis.primary) due.rule += " (the record gives no primary completion date)";
  const auto certified = last_day_of(facts.certification_date);
  if (!certified) {
    if (basis.primary) due.rule += " (42 CFR 11.44; WHO joint statement)";
  } else {
    const auto after_certification = plus_months(*certified, k_certification_months);
    const auto cap = plus_months(without, k_certification_months);
    day = std::max(std::min(after_certification, cap), without);
    due.certification = facts.certification_date;
    const auto* clause = after_certification > cap       ? ", moved by a certification of delay submitted {} to the "
                                                           "limit of two years later (42 CFR 11.44(b))"
                         : after_certification < without ? ", not moved by a certification of delay submitted {}, "
                                                           "which cannot bring it earlier (42 CFR 11.44(b))"
                                                         : ", moved by a certification of delay submitted {} to two "
                                                           "years after it (42 CFR 11.44(b))";
    due.rule += fmt::format(fmt::runtime(clause), facts.certification_date);
  }
  return day;
}

}  // namespace

std::string_view results_state_name(ResultsState state) noexcept {
  switch (state) {
    case ResultsState::not_due:
      return "not_due";
    case ResultsState::due_soon:
      return "due_soon";
    case ResultsState::overdue:
      return "overdue";
    case ResultsState::submitted:
      return "submitted";
    case ResultsState::posted:
      return "posted";
  }
  return "not_due";
}

DueFacts due_facts(const StudyFacts& facts) {
  return DueFacts{
      facts.overall_status,          facts.primary_completion, facts.completion, facts.results_first_submit_date,
      facts.results_first_post_date, facts.certification_date};
}

ResultsDue results_due(const DueFacts& facts, sys_days today, DueAfter due_after) {
  ResultsDue due;
  const bool posted = !facts.results_first_post_date.empty();
  const bool submitted = !facts.results_first_submit_date.empty();
  if (!posted && !submitted && facts.overall_status == "WITHDRAWN") {
    due.rule = "withdrawn before enrolling anyone: no results are owed";
    return due;
  }
  if (const auto basis = basis_of(facts)) {
    const auto day = count_from(facts, *basis, due_after, due);
    due.due_date = iso(day);
    due.days_left = static_cast<long>((day - today).count());
  } else {
    due.rule = "no completion date in the record: nothing to count from";
  }
  if (posted) {
    due.state = ResultsState::posted;
  } else if (submitted) {
    due.state = ResultsState::submitted;
  } else if (!due.days_left || due.estimated) {
    due.state = ResultsState::not_due;
  } else if (*due.days_left < 0) {
    due.state = ResultsState::overdue;
  } else if (*due.days_left <= k_due_soon_days) {
    due.state = ResultsState::due_soon;
  }
  return due;
}

}  // namespace trialwatch::diff
