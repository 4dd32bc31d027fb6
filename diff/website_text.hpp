// SPDX-License-Identifier: MIT
// The registry's website serves past versions with HTML-escaped text and HTML markup; API v2 serves markdown with
// backslash escapes. Both reduce to one plain form here, so the two formats of one record compare equal in
// substance. Used for comparison only: stored versions keep their bytes as received.
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace trialwatch::diff {

// Return the string value `text` (website or API v2 formatting) in plain form: known HTML tags removed (block
// tags break lines), markdown backslash escapes and HTML entities decoded in one pass, list markers at line
// starts and the markup characters `*` and `^` dropped, white space (with U+00A0) collapsed to single spaces and
// trimmed.
std::string comparable_text(std::string_view text);

// Return the study JSON `study_json` minified with every string value in comparable_text() form, member names and
// order kept, and derivedSection (which holds versionHolder; past versions lack it) removed: what StudyDiffer
// compares when one side of a pair is a website version (apply it to both sides). Fails with unreadable when
// `study_json` is not a JSON object or is larger than k_max_study_bytes.
core::Result<std::string> comparable_form(std::string_view study_json);

}  // namespace trialwatch::diff
