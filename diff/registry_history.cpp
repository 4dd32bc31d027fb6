// SPDX-License-Identifier: MIT
#include "diff/registry_history.hpp"

#include "core/partial_date.hpp"

#include <climits>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <optional>

namespace trialwatch::diff {

namespace dom = simdjson::dom;
using core::Error;

namespace {

Error bad_response(std::string sentence) { return Error{Error::Code::bad_response, std::move(sentence)}; }

// Parse the answer `json` of the endpoint named `what`; fail with unreadable unless it is JSON, bad_response
// unless it is an object.
core::Result<dom::element> parse_answer(dom::parser& parser, std::string_view json, std::string_view what) {
  dom::element root;
  if (const auto error = parser.parse(json.data(), json.size()).get(root))
    return Error{Error::Code::unreadable,
                 fmt::format("the {} answer is not valid JSON ({})", what, simdjson::error_message(error))};
  if (root.type() != dom::element_type::OBJECT)
    return bad_response(fmt::format("the {} answer is not a JSON object", what));
  return root;
}

// The value of `element` as a non-negative int, when it is a JSON integer in range.
std::optional<int> non_negative_int(dom::element element) {
  std::int64_t value = 0;
  if (element.get(value) != simdjson::SUCCESS || value < 0 || value > INT_MAX) return std::nullopt;
  return static_cast<int>(value);
}

// Read the entry `entry`, history.changes[index], of the history list.
core::Result<RegistryVersion> read_change(dom::element entry, std::size_t index) {
  const std::string where = fmt::format("history.changes[{}]", index);
  dom::object fields;
  if (entry.get(fields) != simdjson::SUCCESS) return bad_response(where + " of the history list is not an object");
  RegistryVersion out;
  dom::element version;
  const auto number = fields["version"].get(version) == simdjson::SUCCESS ? non_negative_int(version) : std::nullopt;
  if (!number) return bad_response(where + ".version of the history list is not a non-negative integer");
  out.version = *number;
  std::string_view text;
  const auto date = fields["date"].get(text) == simdjson::SUCCESS ? core::PartialDate::parse(text) : std::nullopt;
  if (!date || date->precision() != core::PartialDate::Precision::day || text.size() != 10)
    return bad_response(where + ".date of the history list is not a YYYY-MM-DD date");
  out.date = std::string(text);
  if (fields["status"].get(text) != simdjson::SUCCESS || text.empty())
    return bad_response(where + ".status of the history list is not a status name");
  out.status = std::string(text);
  dom::element labels;
  if (fields["moduleLabels"].get(labels) != simdjson::SUCCESS || labels.is_null()) return out;
  dom::array items;
  if (labels.get(items) != simdjson::SUCCESS)
    return bad_response(where + ".moduleLabels of the history list is not an array of texts");
  for (const auto label : items) {
    if (label.get(text) != simdjson::SUCCESS)
      return bad_response(where + ".moduleLabels of the history list is not an array of texts");
    out.module_labels.emplace_back(text);
  }
  return out;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_json_space(text[pos])) ++pos;
  return pos;
}

// The position after the JSON string that starts at text[pos] (a '"').
std::size_t skip_string(std::string_view text, std::size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] == '\\')
      ++pos;
    else if (text[pos] == '"')
      return pos + 1;
  }
  return text.size();
}

// The position after the JSON value that starts at text[pos].
std::size_t skip_value(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return pos;
  if (text[pos] == '"') return skip_string(text, pos);
  if (text[pos] != '{' && text[pos] != '[') {
    while (pos < text.size() && !is_json_space(text[pos]) && text[pos] != ',' && text[pos] != '}' && text[pos] != ']')
      ++pos;
    return pos;
  }
  std::size_t depth = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      pos = skip_string(text, pos);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
    ++pos;
  }
  return pos;
}

// The bytes of the value of the member number `index` (from 0, in text order, as the DOM iterates) of the JSON
// object `text`, which the DOM parser accepted; empty if the text does not have that shape after all.
std::string_view member_value(std::string_view text, std::size_t index) {
  constexpr std::string_view k_bom = "\xEF\xBB\xBF";
  std::size_t pos = skip_space(text, text.substr(0, k_bom.size()) == k_bom ? k_bom.size() : 0);
  if (pos >= text.size() || text[pos] != '{') return {};
  ++pos;
  for (std::size_t i = 0;; ++i) {
    pos = skip_space(text, pos);
    if (pos >= text.size() || text[pos] != '"') return {};
    pos = skip_space(text, skip_string(text, pos));
    if (pos >= text.size() || text[pos] != ':') return {};
    pos = skip_space(text, pos + 1);
    const std::size_t end = skip_value(text, pos);
    if (i == index) return text.substr(pos, end - pos);
    pos = skip_space(text, end);
    if (pos >= text.size() || text[pos] != ',') return {};
    ++pos;
  }
}

}  // namespace

core::Result<std::vector<RegistryVersion>> read_history_list(std::string_view json) {
  dom::parser parser;
  TW_TRY(root, parse_answer(parser, json, "history list"));
  dom::array changes;
  if (root->at_pointer("/history/changes").get(changes) != simdjson::SUCCESS)
    return bad_response("the history list answer has no history.changes array");
  std::vector<RegistryVersion> versions;
  std::size_t index = 0;
  for (const auto entry : changes) {
    TW_TRY(version, read_change(entry, index++));
    versions.push_back(std::move(*version));
  }
  std::sort(versions.begin(), versions.end(),
            [](const RegistryVersion& a, const RegistryVersion& b) { return a.version < b.version; });
  const auto twice = std::adjacent_find(versions.begin(), versions.end(),
                                        [](const auto& a, const auto& b) { return a.version == b.version; });
  if (twice != versions.end())
    return bad_response(fmt::format("the history list names version {} twice", twice->version));
  return versions;
}

core::Result<RegistryVersionDocument> read_history_version(std::string_view json, int expected_version) {
  dom::parser parser;
  TW_TRY(root, parse_answer(parser, json, "history version"));
  const dom::object fields = root->get_object().value_unsafe();
  dom::element version;
  const auto number =
      fields["studyVersion"].get(version) == simdjson::SUCCESS ? non_negative_int(version) : std::nullopt;
  if (!number) return bad_response("the history version answer has no non-negative integer studyVersion");
  if (*number != expected_version)
    return bad_response(
        fmt::format("the history version answer is version {}, not the {} asked for", *number, expected_version));
  std::size_t index = 0;
  for (const auto field : fields) {
    if (field.key == "study") break;
    ++index;
  }
  dom::object study;
  if (fields["study"].get(study) != simdjson::SUCCESS)
    return bad_response("the history version answer has no study object");
  std::string_view nct_text;
  if (study.at_pointer("/protocolSection/identificationModule/nctId").get(nct_text) != simdjson::SUCCESS)
    return bad_response("the history version's study has no protocolSection.identificationModule.nctId");
  auto nct_id = core::NctId::parse(nct_text);
  if (!nct_id) return bad_response("the history version's study has an nctId that is not an NCT number");
  const std::string_view bytes = member_value(json, index);
  if (bytes.empty() || bytes.front() != '{' || bytes.back() != '}')
    return bad_response("the history version answer's study object could not be located in its text");
  return RegistryVersionDocument{bytes, std::move(*nct_id)};
}

}  // namespace trialwatch::diff
