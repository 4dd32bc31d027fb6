// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace trialwatch::core {

// A dated field with its ACTUAL/ESTIMATED type (start, primary completion, completion); empty when absent.
struct DatedField {
  std::string date;
  std::string type;
  friend bool operator==(const DatedField&, const DatedField&) = default;
};

// The dates of a study's version that decide when its results are due (docs/results-due.md): YYYY, YYYY-MM or
// YYYY-MM-DD as the registry gives them, empty when absent. Read by diff, kept by store, judged by diff::results_due.
struct DueFacts {
  std::string overall_status;
  DatedField primary_completion;
  DatedField completion;
  std::string results_first_submit_date;
  std::string results_first_post_date;
  std::string certification_date;  // dispFirstSubmitDate: a certification that results are delayed
  friend bool operator==(const DueFacts&, const DueFacts&) = default;
};

}  // namespace trialwatch::core
