// SPDX-License-Identifier: MIT
#pragma once

#include "store/queries.hpp"

#include "report/results.hpp"

#include <string>
#include <vector>

namespace trialwatch::report {

// Return the document of `list --json` (and /api/studies): the tracked studies in the order given, each with its
// results state from `results` (null before its dates were read), then a newline.
std::string studies_json(const std::vector<store::ListedStudy>& studies, const std::vector<StudyResults>& results);

// Return the related-trial suggestions as `related --json` (and /api/related) prints them, then a newline.
std::string related_json(const std::vector<store::RelatedSuggestion>& suggestions);

}  // namespace trialwatch::report
