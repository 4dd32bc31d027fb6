// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::core {

// Return `text` as a JSON string literal (quotes included), escaping what JSON requires; invalid UTF-8 becomes
// U+FFFD, so the result is always valid JSON.
std::string json_quote(std::string_view text);

// Append `text` to `out` as a JSON string literal.
void append_json_quoted(std::string& out, std::string_view text);

// Return `items` as a JSON array of strings, e.g. ["a","b"].
std::string json_string_array(const std::vector<std::string>& items);

}  // namespace trialwatch::core
