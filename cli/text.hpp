// SPDX-License-Identifier: MIT
#pragma once

#include "report/wording.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::cli {

// The wording shared with the web interface (report/wording.hpp).
using report::ago;
using report::append_ago;
using report::append_plain_value;
using report::append_relative_time;
using report::dated;
using report::nearest;
using report::plain_value;
using report::relative_time;
using report::study_link;

// Return the number of terminal columns `text` takes (UTF-8 code points; no wide characters in our output).
std::size_t display_width(std::string_view text);

// Return the first link ("https://" up to a space) in `text`, or nothing; a link over 120 columns is text.
std::string_view find_link(std::string_view text);

// Return `text` cut to `width` columns on a character boundary, "…" marking the cut. A link in it (find_link())
// is kept whole, the text before it cut instead, so the result is wider than `width` when the link is.
std::string truncate_to(std::string_view text, std::size_t width);

// Render `rows` as TextTable::render() does; column `flexible` (default the last) gives way to `max_width`
// (0 = no limit). `header` (if not empty) is the first row.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::size_t max_width, std::optional<std::size_t> flexible = std::nullopt);

// Write `text` to standard output by its length: a NUL in it is written, not taken for the end.
void write_out(std::string_view text);

// Return `text` as one RFC 4180 CSV field (quoted when it holds a comma, quote or line break).
std::string csv_field(std::string_view text);

}  // namespace trialwatch::cli
