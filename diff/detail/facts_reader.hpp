// SPDX-License-Identifier: MIT
// Internal to diff/: reading StudyFacts from an already parsed document, so one parse serves the diff and the
// classification. Never included outside this module.
#pragma once

#include "diff/study_facts.hpp"

#include <simdjson.h>

namespace trialwatch::diff::detail {

// Read the facts of the parsed study `root` (an object).
StudyFacts facts_of(simdjson::dom::element root);

}  // namespace trialwatch::diff::detail
