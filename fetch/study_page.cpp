// SPDX-License-Identifier: MIT
#include "fetch/study_page.hpp"

#include <simdjson.h>

namespace trialwatch::fetch {

namespace dom = simdjson::dom;

namespace {

core::Error bad(std::string message) { return core::Error{core::Error::Code::bad_response, std::move(message)}; }

}  // namespace

core::Result<StudyPage> parse_study_page(std::string_view body) {
  dom::parser parser;
  dom::element root;
  if (const auto error = parser.parse(body.data(), body.size()).get(root))
    return bad(std::string("the registry's study list is not valid JSON (") + simdjson::error_message(error) + ")");
  dom::array studies;
  if (root.at_key("studies").get(studies) != simdjson::SUCCESS)
    return bad("the registry's study list has no 'studies' array");
  StudyPage page;
  for (const auto study : studies) {
    if (study.type() != dom::element_type::OBJECT) return bad("the registry's study list holds something not a study");
    page.studies.push_back(simdjson::minify(study));
  }
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
