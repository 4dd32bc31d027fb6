// SPDX-License-Identifier: MIT
#include "fetch/study_page.hpp"

#include "core/strings.hpp"

#include <simdjson.h>

#include <optional>

namespace trialwatch::fetch {

namespace dom = simdjson::dom;

namespace {

core::Error bad(std::string message) { return core::Error{core::Error::Code::bad_response, std::move(message)}; }

// Say what is wrong with a value inside the page when `error` is about one (a record the registry holds that its
// strict parse refuses), or nothing when the page itself is broken: a body cut short ends in an unclosed string or
// structure, never in one of these.
std::optional<const char*> unreadable_value(simdjson::error_code error) {
  switch (error) {
    case simdjson::STRING_ERROR:
      return "holds a string with an invalid escape such as a lone surrogate";
    case simdjson::UNESCAPED_CHARS:
      return "holds a string with an unescaped control character";
    case simdjson::UTF8_ERROR:
      return "is not valid UTF-8";
    case simdjson::DEPTH_ERROR:
      return "nests arrays or objects too deeply";
    default:
      return std::nullopt;
  }
}

// Append the exact text of each element of the `studies` array of the (already validated) page in `padded` to
// `out`.
bool exact_texts(simdjson::ondemand::parser& parser, simdjson::padded_string_view padded,
                 std::vector<std::string>& out) {
  simdjson::ondemand::document document;
  simdjson::ondemand::array studies;
  if (parser.iterate(padded).get(document) || document["studies"].get_array().get(studies)) return false;
  for (auto element : studies) {
    simdjson::ondemand::object study;
    std::string_view raw;
    if (element.get_object().get(study) || study.raw_json().get(raw)) return false;
    out.emplace_back(core::trim_json_space_right(raw));
  }
  return true;
}

}  // namespace

core::Result<StudyPage> parse_study_page(std::string_view body) {
  const simdjson::padded_string padded(body);  // one padded copy serves both parsers
  dom::parser strict;                          // validates the whole page
  dom::element root;
  if (const auto error = strict.parse(padded).get(root)) {
    if (const auto what = unreadable_value(error))
      return core::Error{core::Error::Code::unreadable, std::string("the registry's study list ") + *what};
    return bad(std::string("the registry's study list is not valid JSON (") + simdjson::error_message(error) + ")");
  }
  dom::array studies;
  if (root.at_key("studies").get(studies) != simdjson::SUCCESS)
    return bad("the registry's study list has no 'studies' array");
  StudyPage page;
  for (const auto study : studies)
    if (study.type() != dom::element_type::OBJECT) return bad("the registry's study list holds something not a study");
  // The page is valid: take each study's exact text (no re-serialisation).
  simdjson::ondemand::parser splitting;
  page.studies.reserve(studies.size());
  if (studies.size() > 0 && !exact_texts(splitting, padded, page.studies))
    return bad("the registry's study list could not be split into studies");
  std::string_view token;
  if (root.at_key("nextPageToken").get(token) == simdjson::SUCCESS) page.next_page_token = std::string(token);
  int64_t total = 0;
  if (root.at_key("totalCount").get(total) == simdjson::SUCCESS) page.total_count = total;
  return page;
}

core::Result<std::pair<std::string, std::string>> parse_version(std::string_view body) {
  dom::parser parser;
  dom::element root;
  if (const auto error = parser.parse(body.data(), body.size()).get(root))
    return bad(std::string("the registry's /version answer is not valid JSON (") + simdjson::error_message(error) +
               ")");
  std::string_view timestamp;
  std::string_view api_version;
  if (root.at_key("dataTimestamp").get(timestamp) != simdjson::SUCCESS || timestamp.empty())
    return bad("the registry's /version answer has no dataTimestamp");
  if (root.at_key("apiVersion").get(api_version) != simdjson::SUCCESS) api_version = "";
  return std::pair<std::string, std::string>(std::string(timestamp), std::string(api_version));
}

}  // namespace trialwatch::fetch
