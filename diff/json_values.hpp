// SPDX-License-Identifier: MIT
// The values a field change or an event holds (old/new, stored as JSON text), read for people and pictures.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::diff {

// Return the text of `json` when it is one JSON string ("\"RECRUITING\"" -> RECRUITING, escapes decoded); nothing
// when it is anything else.
std::optional<std::string> json_string_value(std::string_view json);

// Return the members of `json` when it is a JSON object whose values are strings, numbers, booleans or null, e.g.
// {"date":"2026-03","type":"ESTIMATED"}: strings as their text, the rest as JSON; nothing when it is anything else.
std::optional<std::map<std::string, std::string>> flat_json_object(std::string_view json);

}  // namespace trialwatch::diff
