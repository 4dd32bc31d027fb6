// SPDX-License-Identifier: MIT
#pragma once

#include "core/nct_id.hpp"
#include "diff/results_due.hpp"
#include "store/queries.hpp"
#include "store/registry_history.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace trialwatch::report {

// One study over time, as `trialwatch history` and the study page show it.
struct StudyHistory {
  core::NctId id;
  std::vector<store::PastVersion> past;      // from the registry's history, oldest first (no documents)
  std::vector<store::VersionInfo> versions;  // seen live, oldest first
  std::vector<store::StoredEvent> events;    // oldest first
  // The results due date each version gives, past versions first, then those seen live: "~" before an expected
  // date, "" when there is none. Empty (no dates) when a stored document could not be read: see due_error.
  std::vector<std::string> due_dates;
  std::string due_error;  // the store's sentence when the due dates were left out
};

// Return the history of `id` in `db`, its due dates judged on `today` under `due_after`. Throw store::StoreError
// when the store cannot be read.
StudyHistory study_history(store::Database& db, const core::NctId& id, std::chrono::sys_days today,
                           diff::DueAfter due_after);

// Return the results due date the study JSON `document` gives (docs/results-due.md), "~" before an expected one (an
// ESTIMATED completion); empty when it cannot be read or gives none.
std::string due_date_in(std::string_view document, std::chrono::sys_days today, diff::DueAfter due_after);

// Return the document of `history --json` (and /api/studies/{NCT}/history), then a newline.
std::string history_json(const StudyHistory& history);

}  // namespace trialwatch::report
