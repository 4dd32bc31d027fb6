// SPDX-License-Identifier: MIT
#pragma once

#include "core/nct_id.hpp"
#include "diff/results_due.hpp"
#include "store/database.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace trialwatch::report {

// What the results due rule says of one tracked study on a given day.
struct StudyResults {
  core::NctId id;
  diff::ResultsDue due;
};

// Return what the rule says on `today` of each tracked study whose dates trialwatchd has read, in NCT order.
std::vector<StudyResults> tracked_results(store::Database& db, std::chrono::sys_days today, diff::DueAfter due_after);

// Return the results of `id` in `results` (NCT order), or nothing when its dates were not read yet.
const diff::ResultsDue* results_of(const std::vector<StudyResults>& results, const core::NctId& id);

// Sort `studies` most urgent first: overdue, due soon, not due, submitted, posted, then those without a due date;
// within a state the earliest due date first, NCT order breaking ties.
void sort_by_urgency(std::vector<StudyResults>& studies);

// Append the JSON members "state", "due_date", "estimated" and "days_left" of `due` (no braces) to `out`.
void append_results_members(std::string& out, const diff::ResultsDue& due);

// Return the "results" member of a study in `list --json`: null before its dates were read.
std::string results_json(const diff::ResultsDue* due);

// Return the document of `due --json` (and /api/due): one object per study, in the order given, then a newline.
std::string due_json(const std::vector<StudyResults>& studies);

}  // namespace trialwatch::report
