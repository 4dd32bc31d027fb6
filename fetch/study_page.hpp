// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <memory>
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

// Reads pages of GET /studies one after another, reusing its parsers and its padded copy of the page, so a
// load of thousands of pages does not allocate (and fault in) parser memory for each.
class StudyPageParser {
 public:
  // A parser that holds nothing until its first page.
  StudyPageParser();
  // Frees what it holds.
  ~StudyPageParser();
  // Movable (a client that owns one stays movable), not copyable.
  StudyPageParser(StudyPageParser&&) noexcept;
  StudyPageParser& operator=(StudyPageParser&&) noexcept;
  StudyPageParser(const StudyPageParser&) = delete;
  StudyPageParser& operator=(const StudyPageParser&) = delete;

  // Read the page envelope of `body`: an object with a `studies` array (which may be empty), an optional
  // `nextPageToken` string and `totalCount` number; fail with bad_response otherwise, or with unreadable when the
  // page is whole but holds a value the strict parse refuses (a lone surrogate, invalid UTF-8, nesting too deep).
  // The whole page is validated strictly before any study's text is taken.
  core::Result<StudyPage> parse(std::string_view body);

  // Free what the parsers and the page buffer hold (sized by the largest page read), so a long-running service
  // does not keep it between listings.
  void release() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;  // created by the first parse() after construction or release()
};

// Read one page as StudyPageParser::parse() does, with parsers of its own.
core::Result<StudyPage> parse_study_page(std::string_view body);

// Read GET /version: its `dataTimestamp` and `apiVersion`; fail with bad_response when either is missing.
core::Result<std::pair<std::string, std::string>> parse_version(std::string_view body);

}  // namespace trialwatch::fetch
