// SPDX-License-Identifier: MIT
// Results due: the rule that says, from the dates a study's record holds, whether its results are owed, by when,
// and whether that day has passed (docs/results-due.md gives the rule and its sources).
#pragma once

#include "diff/study_facts.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::diff {

// Where a study stands with its results.
enum class ResultsState {
  not_due,    // not yet due, due only as expected (an ESTIMATED date), or owed by no one (withdrawn, no date)
  due_soon,   // due within 30 days
  overdue,    // the due date passed with no results submitted
  submitted,  // results submitted (resultsFirstSubmitDate), not posted yet: QC review, or returned by it
  posted,     // results public: done, whatever the dates say
};

// Return the name `state` is shown and stored as ("not_due", "due_soon", "overdue", "submitted", "posted").
std::string_view results_state_name(ResultsState state) noexcept;

// How long after primary completion results are due: [results] due_after, in months.
struct DueAfter {
  int months = 12;
};

// The dates the rule reads (core/due_facts.hpp).
using DueFacts = core::DueFacts;

// Return the dates the rule reads from `facts`.
DueFacts due_facts(const StudyFacts& facts);

// What the rule says of one study on one day.
struct ResultsDue {
  ResultsState state = ResultsState::not_due;
  std::string due_date;           // YYYY-MM-DD; empty when the record gives no date to count from, or nothing is owed
  bool estimated = false;         // the due date follows an ESTIMATED completion: expected, not a deadline
  std::optional<long> days_left;  // days from `today` to due_date (negative: overdue); with due_date
  std::string basis;              // the date counted from, e.g. "primary completion 2026-10-20 (ACTUAL)"
  std::string certification;      // the certification of delay's date, when one moved the due date
  std::string rule;               // one sentence: the rule applied, e.g. "12 months after primary completion"
  friend bool operator==(const ResultsDue&, const ResultsDue&) = default;
};

// Apply the rule to `facts` on `today`. Results are due `due_after` after the primary completion date (the
// completion date when there is none; a partial date counts as the last day of its month or year). Posted results
// are done and submitted ones are waiting whatever the dates; a withdrawn study owes nothing; an ESTIMATED date
// gives an expected due date and never due_soon or overdue. A certification of delay moves the due date to two
// years after the certification, never more than two years past the due date without it (42 CFR 11.44(b)).
ResultsDue results_due(const DueFacts& facts, std::chrono::sys_days today, DueAfter due_after = {});

}  // namespace trialwatch::diff
