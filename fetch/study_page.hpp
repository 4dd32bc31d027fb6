// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::fetch {

// One page of GET /studies: the study documents as raw JSON texts (never looked into here) and the paging
// envelope.
struct StudyPage {
  std::vector<std::string> studies;
  std::optional<std::string> next_page_token;
  std::optional<long long> total_count;
};

// Read the page envelope of `body`: an object with a `studies` array (which may be empty), an optional
// `nextPageToken` string and `totalCount` number; fail with bad_response otherwise, or with unreadable when the page
// is whole but holds a value the strict parse refuses (a lone surrogate, invalid UTF-8, nesting too deep). The whole
// page is validated strictly before each study's exact text is taken.
core::Result<StudyPage> parse_study_page(std::string_view body);

// Read GET /version: its `dataTimestamp` and `apiVersion`; fail with bad_response when either is missing.
core::Result<std::pair<std::string, std::string>> parse_version(std::string_view body);

}  // namespace trialwatch::fetch
