// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::cli {

// Return `then` relative to `now` as people say it: "just now", "5 minutes ago", "3 days ago", "in 2 hours".
std::string relative_time(std::chrono::system_clock::time_point then, std::chrono::system_clock::time_point now);

// Append relative_time(then, now) to `out`.
void append_relative_time(std::string& out, std::chrono::system_clock::time_point then,
                          std::chrono::system_clock::time_point now);

// Return a stored UTC time relative to `now` ("3 days ago"), or `rfc3339` as it is when it does not parse.
std::string ago(const std::string& rfc3339, std::chrono::system_clock::time_point now);

// Append ago(rfc3339, now) to `out`.
void append_ago(std::string& out, const std::string& rfc3339, std::chrono::system_clock::time_point now);

// Return a stored UTC time with its relative form, "2026-09-02T09:10:00Z (3 days ago)", or as it is.
std::string dated(const std::string& rfc3339, std::chrono::system_clock::time_point now);

// Return the number of terminal columns `text` takes (UTF-8 code points; no wide characters in our output).
std::size_t display_width(std::string_view text);

// Return the first link ("https://" up to a space) in `text`, or nothing; a link over 120 columns is text.
std::string_view find_link(std::string_view text);

// Return `text` cut to `width` columns on a character boundary, "…" marking the cut. A link in it (find_link())
// is kept whole, the text before it cut instead, so the result is wider than `width` when the link is.
std::string truncate_to(std::string_view text, std::size_t width);

// Return the registry's page of a study, e.g. https://clinicaltrials.gov/study/NCT06613490.
std::string study_link(std::string_view nct_id);

// Return the candidate nearest to `word` (a typo: at most one edit per three letters; or the shortest candidate
// that starts with it), or nothing when none is close.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// Render `rows` as TextTable::render() does; column `flexible` (default the last) gives way to `max_width`
// (0 = no limit). `header` (if not empty) is the first row.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::size_t max_width, std::optional<std::size_t> flexible = std::nullopt);

// Return a JSON value (as stored for old/new) as people read it: strings without quotes, the rest as is.
std::string plain_value(std::string_view json);

// Append plain_value(json) to `out`.
void append_plain_value(std::string& out, std::string_view json);

// Write `text` to standard output by its length: a NUL in it is written, not taken for the end.
void write_out(std::string_view text);

// Return `text` as one RFC 4180 CSV field (quoted when it holds a comma, quote or line break).
std::string csv_field(std::string_view text);

}  // namespace trialwatch::cli
