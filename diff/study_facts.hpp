// SPDX-License-Identifier: MIT
#pragma once

#include "core/due_facts.hpp"
#include "core/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::diff {

// A dated field with its ACTUAL/ESTIMATED type.
using DatedField = core::DatedField;

// The few facts of a study that drive watermarks, classification and summaries, read from its JSON (a full
// document or a `fields=` projection: absent fields stay empty).
struct StudyFacts {
  std::string nct_id;
  std::vector<std::string> aliases;
  std::string brief_title;
  std::string overall_status;
  std::string last_update_post_date;
  std::string last_update_submit_date;  // the day the sponsor submitted this version
  std::string results_first_submit_date;
  std::string results_first_post_date;
  std::string certification_date;  // dispFirstSubmitDate: a certification of delayed results
  std::optional<bool> has_results;
  DatedField start;
  DatedField primary_completion;
  DatedField completion;
  std::optional<long long> enrollment_count;
  std::string enrollment_type;
  std::vector<std::string> reset_dates;  // dates of unposted RESET events (results returned by QC)
};

// Read the facts of the study JSON `json`; fail with unreadable when it is not valid JSON (invalid UTF-8, a lone
// surrogate, nested too deep...) or not an object: one record the caller can skip.
core::Result<StudyFacts> read_study_facts(std::string_view json);

}  // namespace trialwatch::diff
