// SPDX-License-Identifier: MIT
// Internal to diff/: reading StudyFacts from an already parsed document, so one parse serves the diff and the
// classification. Never included outside this module.
#pragma once

#include "diff/study_facts.hpp"

#include <simdjson.h>

#include <string_view>

namespace trialwatch::diff::detail {

// Read the facts of the parsed study `root` (an object).
StudyFacts facts_of(simdjson::dom::element root);

// Parse the study `json` with `parser` and return its root; fail with unreadable unless it is a JSON object.
core::Result<simdjson::dom::element> parse_study(simdjson::dom::parser& parser, std::string_view json);

}  // namespace trialwatch::diff::detail
