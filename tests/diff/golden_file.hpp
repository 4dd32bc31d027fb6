// SPDX-License-Identifier: MIT
// The golden files of the diff tests: a diff's field changes and classification rendered as JSON and compared
// with tests/data/golden/<name>.json. TRIALWATCH_TEST_ACCEPT=1 rewrites them; review the change in the commit diff.
#pragma once

#include "core/event.hpp"
#include "diff/classify.hpp"

#include <string>
#include <vector>

namespace trialwatch::testing {

// What one diff of two versions gives: the field changes and their classification.
struct DiffOutcome {
  std::vector<core::FieldChange> changes;
  diff::Classification classification;
};

// Diff the study JSON texts `before` and `after` with StudyDiffer and classify the changes (REQUIREs success).
DiffOutcome run_diff(const std::string& before, const std::string& after);

// Return the types of the events of `outcome`, in order.
std::vector<core::EventType> types_of(const DiffOutcome& outcome);

// Return the first event of `type` in `outcome`; FAIL the test when there is none.
const core::ChangeEvent& event_of(const DiffOutcome& outcome, core::EventType type);

// Return `outcome` as the JSON text of a golden file.
std::string render_outcome(const DiffOutcome& outcome);

// Check `outcome` against tests/data/golden/`name`.json (a Catch2 CHECK), or rewrite that file when
// TRIALWATCH_TEST_ACCEPT is set.
void check_golden(const std::string& name, const DiffOutcome& outcome);

}  // namespace trialwatch::testing
