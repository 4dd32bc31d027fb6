// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "diff/study_facts.hpp"

#include <vector>

namespace trialwatch::diff {

// The typed events one new version of a study produces, and the provenance of that version.
struct Classification {
  core::Provenance provenance = core::Provenance::registry_reprocessing;
  std::vector<core::ChangeEvent> events;
};

// Classify the field `changes` between two versions whose facts are `before` and `after` (docs/sync.md rules):
// - provenance is sponsor_update exactly when lastUpdatePostDate advanced, else registry_reprocessing;
// - a sponsor update yields last_updated plus one typed event per part of the record that changed;
// - registry reprocessing yields one study_reprocessed event and no typed events;
// - the results lifecycle (results_submitted, results_returned, results_posted) is reported whenever its
//   fields appear, with the version's provenance, because QC steps need not move lastUpdatePostDate;
//   hasResults alone is never a signal.
Classification classify(const std::vector<core::FieldChange>& changes, const StudyFacts& before,
                        const StudyFacts& after);

}  // namespace trialwatch::diff
