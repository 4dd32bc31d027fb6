// SPDX-License-Identifier: MIT
#include "diff/json_values.hpp"

#include <simdjson.h>

namespace trialwatch::diff {

namespace {

// Parse `json` into `parser`'s document; nothing when it is not JSON.
std::optional<simdjson::dom::element> parsed(simdjson::dom::parser& parser, std::string_view json) {
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root) != simdjson::SUCCESS) return std::nullopt;
  return root;
}

}  // namespace

std::optional<std::string> json_string_value(std::string_view json) {
  // Most stored strings hold no escape: their text is what is between the quotes.
  if (json.size() >= 2 && json.front() == '"' && json.back() == '"' &&
      json.substr(1, json.size() - 2).find_first_of("\"\\") == std::string_view::npos)
    return std::string(json.substr(1, json.size() - 2));
  simdjson::dom::parser parser;
  const auto root = parsed(parser, json);
  std::string_view text;
  if (!root || root->get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  return std::string(text);
}

std::optional<std::map<std::string, std::string>> flat_json_object(std::string_view json) {
  simdjson::dom::parser parser;
  const auto root = parsed(parser, json);
  simdjson::dom::object object;
  if (!root || root->get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  std::map<std::string, std::string> members;
  for (const auto [key, value] : object) {
    if (value.is_array() || value.is_object()) return std::nullopt;
    std::string_view text;
    members[std::string(key)] =
        value.get_string().get(text) == simdjson::SUCCESS ? std::string(text) : simdjson::to_string(value);
  }
  return members;
}

}  // namespace trialwatch::diff
