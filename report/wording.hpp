// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::report {

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

// Return the registry's page of a study, e.g. https://clinicaltrials.gov/study/NCT06613490.
std::string study_link(std::string_view nct_id);

// Return the candidate nearest to `word` (a typo: at most one edit per three letters; or the shortest candidate
// that starts with it), or nothing when none is close.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// Return a JSON value (as stored for old/new) as people read it: strings without quotes, the rest as is.
std::string plain_value(std::string_view json);

// Append plain_value(json) to `out`.
void append_plain_value(std::string& out, std::string_view json);

}  // namespace trialwatch::report
