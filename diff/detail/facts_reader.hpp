// SPDX-License-Identifier: MIT
// Internal to diff/: reading StudyFacts from an already parsed document, so one parse serves the diff and the
// classification. Never included outside this module.
#pragma once

#include "diff/study_facts.hpp"

#include <simdjson.h>

namespace trialwatch::diff::detail {

// Read the facts of the parsed study `root` (an object).
StudyFacts facts_of(simdjson::dom::element root);

// read_study_facts() with the caller's parser and padded text, so a caller reading many studies allocates once.
core::Result<StudyFacts> read_study_facts(simdjson::ondemand::parser& parser, simdjson::padded_string_view json);

}  // namespace trialwatch::diff::detail
