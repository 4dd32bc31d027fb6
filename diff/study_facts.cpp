// SPDX-License-Identifier: MIT
#include "diff/study_facts.hpp"

#include "diff/detail/facts_reader.hpp"

#include <simdjson.h>

namespace trialwatch::diff {

namespace dom = simdjson::dom;

namespace {

std::string text_at(dom::element root, std::string_view pointer) {
  std::string_view value;
  if (root.at_pointer(pointer).get(value) == simdjson::SUCCESS) return std::string(value);
  return {};
}

DatedField dated_at(dom::element root, std::string_view pointer) {
  dom::element node;
  if (root.at_pointer(pointer).get(node) != simdjson::SUCCESS) return {};
  return DatedField{text_at(node, "/date"), text_at(node, "/type")};
}

}  // namespace

core::Result<StudyFacts> read_study_facts(std::string_view json) {
  dom::parser parser;
  TW_TRY(root, detail::parse_study(parser, json));
  return detail::facts_of(*root);
}

namespace detail {

core::Result<dom::element> parse_study(dom::parser& parser, std::string_view json) {
  dom::element root;
  if (const auto error = parser.parse(json.data(), json.size()).get(root))
    return core::Error{core::Error::Code::unreadable,
                       std::string("a study document is not valid JSON: ") + simdjson::error_message(error)};
  if (root.type() != dom::element_type::OBJECT)
    return core::Error{core::Error::Code::unreadable, "a study document is not a JSON object"};
  return root;
}

StudyFacts facts_of(dom::element root) {
  StudyFacts facts;
  facts.nct_id = text_at(root, "/protocolSection/identificationModule/nctId");
  dom::array aliases;
  if (root.at_pointer("/protocolSection/identificationModule/nctIdAliases").get(aliases) == simdjson::SUCCESS)
    for (const auto alias : aliases)
      if (alias.is_string()) facts.aliases.emplace_back(std::string_view(alias));
  facts.brief_title = text_at(root, "/protocolSection/identificationModule/briefTitle");
  facts.overall_status = text_at(root, "/protocolSection/statusModule/overallStatus");
  facts.last_update_post_date = text_at(root, "/protocolSection/statusModule/lastUpdatePostDateStruct/date");
  facts.last_update_submit_date = text_at(root, "/protocolSection/statusModule/lastUpdateSubmitDate");
  facts.results_first_submit_date = text_at(root, "/protocolSection/statusModule/resultsFirstSubmitDate");
  facts.results_first_post_date = text_at(root, "/protocolSection/statusModule/resultsFirstPostDateStruct/date");
  facts.certification_date = text_at(root, "/protocolSection/statusModule/dispFirstSubmitDate");
  bool has_results = false;
  if (root.at_pointer("/hasResults").get(has_results) == simdjson::SUCCESS) facts.has_results = has_results;
  facts.start = dated_at(root, "/protocolSection/statusModule/startDateStruct");
  facts.primary_completion = dated_at(root, "/protocolSection/statusModule/primaryCompletionDateStruct");
  facts.completion = dated_at(root, "/protocolSection/statusModule/completionDateStruct");
  int64_t count = 0;
  if (root.at_pointer("/protocolSection/designModule/enrollmentInfo/count").get(count) == simdjson::SUCCESS)
    facts.enrollment_count = count;
  facts.enrollment_type = text_at(root, "/protocolSection/designModule/enrollmentInfo/type");
  dom::array events;
  if (root.at_pointer("/annotationSection/annotationModule/unpostedAnnotation/unpostedEvents").get(events) ==
      simdjson::SUCCESS)
    for (const auto event : events)
      if (text_at(event, "/type") == "RESET") facts.reset_dates.push_back(text_at(event, "/date"));
  return facts;
}

}  // namespace detail

}  // namespace trialwatch::diff
