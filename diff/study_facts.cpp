// SPDX-License-Identifier: MIT
#include "diff/study_facts.hpp"

#include "diff/detail/facts_reader.hpp"

#include <simdjson.h>

namespace trialwatch::diff {

namespace dom = simdjson::dom;
namespace ondemand = simdjson::ondemand;

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

// On-Demand readers: each takes a value and fills what it finds; a value of another type leaves the field empty,
// as the DOM reader does. Fields are visited in document order, so each byte is read once.
using Error = simdjson::error_code;

Error read_text(ondemand::value value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) out = std::string(text);
  return simdjson::SUCCESS;
}

Error read_object(ondemand::value value, const auto& each_field) {
  ondemand::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return simdjson::SUCCESS;
  for (auto field : object) {
    std::string_view key;
    ondemand::value member;
    if (const auto error = field.unescaped_key().get(key)) return error;
    if (const auto error = field.value().get(member)) return error;
    if (const auto error = each_field(key, member)) return error;
  }
  return simdjson::SUCCESS;
}

Error read_dated(ondemand::value value, DatedField& out) {
  return read_object(value, [&](std::string_view key, ondemand::value member) -> Error {
    if (key == "date") return read_text(member, out.date);
    if (key == "type") return read_text(member, out.type);
    return simdjson::SUCCESS;
  });
}

Error read_strings(ondemand::value value, std::vector<std::string>& out) {
  ondemand::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return simdjson::SUCCESS;
  for (auto element : array) {
    std::string_view text;
    if (element.get_string().get(text) == simdjson::SUCCESS) out.emplace_back(text);
  }
  return simdjson::SUCCESS;
}

Error read_identification(ondemand::value value, StudyFacts& facts) {
  return read_object(value, [&](std::string_view key, ondemand::value member) -> Error {
    if (key == "nctId") return read_text(member, facts.nct_id);
    if (key == "nctIdAliases") return read_strings(member, facts.aliases);
    if (key == "briefTitle") return read_text(member, facts.brief_title);
    return simdjson::SUCCESS;
  });
}

Error read_status(ondemand::value value, StudyFacts& facts) {
  return read_object(value, [&](std::string_view key, ondemand::value member) -> Error {
    if (key == "overallStatus") return read_text(member, facts.overall_status);
    if (key == "resultsFirstSubmitDate") return read_text(member, facts.results_first_submit_date);
    if (key == "startDateStruct") return read_dated(member, facts.start);
    if (key == "primaryCompletionDateStruct") return read_dated(member, facts.primary_completion);
    if (key == "completionDateStruct") return read_dated(member, facts.completion);
    if (key == "lastUpdatePostDateStruct")
      return read_object(member, [&](std::string_view k, ondemand::value v) -> Error {
        return k == "date" ? read_text(v, facts.last_update_post_date) : simdjson::SUCCESS;
      });
    if (key == "resultsFirstPostDateStruct")
      return read_object(member, [&](std::string_view k, ondemand::value v) -> Error {
        return k == "date" ? read_text(v, facts.results_first_post_date) : simdjson::SUCCESS;
      });
    return simdjson::SUCCESS;
  });
}

Error read_design(ondemand::value value, StudyFacts& facts) {
  return read_object(value, [&](std::string_view key, ondemand::value member) -> Error {
    if (key != "enrollmentInfo") return simdjson::SUCCESS;
    return read_object(member, [&](std::string_view k, ondemand::value v) -> Error {
      if (k == "count") {
        int64_t count = 0;
        if (v.get_int64().get(count) == simdjson::SUCCESS) facts.enrollment_count = count;
      } else if (k == "type") {
        return read_text(v, facts.enrollment_type);
      }
      return simdjson::SUCCESS;
    });
  });
}

Error read_annotation(ondemand::value value, StudyFacts& facts) {
  return read_object(value, [&](std::string_view key, ondemand::value module) -> Error {
    if (key != "annotationModule") return simdjson::SUCCESS;
    return read_object(module, [&](std::string_view k, ondemand::value unposted) -> Error {
      if (k != "unpostedAnnotation") return simdjson::SUCCESS;
      return read_object(unposted, [&](std::string_view name, ondemand::value events) -> Error {
        if (name != "unpostedEvents") return simdjson::SUCCESS;
        ondemand::array array;
        if (events.get_array().get(array) != simdjson::SUCCESS) return simdjson::SUCCESS;
        for (auto element : array) {
          ondemand::value event;
          if (const auto error = element.get(event)) return error;
          std::string type;
          std::string date;
          if (const auto error = read_object(event, [&](std::string_view f, ondemand::value v) -> Error {
                if (f == "type") return read_text(v, type);
                if (f == "date") return read_text(v, date);
                return simdjson::SUCCESS;
              }))
            return error;
          if (type == "RESET") facts.reset_dates.push_back(date);
        }
        return simdjson::SUCCESS;
      });
    });
  });
}

}  // namespace

core::Result<StudyFacts> read_study_facts(std::string_view json) {
  ondemand::parser parser;
  const simdjson::padded_string text(json);
  return detail::read_study_facts(parser, text);
}

namespace detail {

core::Result<StudyFacts> read_study_facts(ondemand::parser& parser, simdjson::padded_string_view json) {
  // On-Demand: only the few modules the facts live in are read; the rest (results, locations) is skipped.
  ondemand::document document;
  ondemand::object root;
  StudyFacts facts;
  Error error = parser.iterate(json).get(document);
  if (!error) error = document.get_object().get(root);
  if (error == simdjson::INCORRECT_TYPE)
    return core::Error{core::Error::Code::bad_response, "a study document is not a JSON object"};
  if (!error) {
    for (auto field : root) {
      std::string_view key;
      ondemand::value value;
      if ((error = field.unescaped_key().get(key)) || (error = field.value().get(value))) break;
      if (key == "protocolSection") {
        error = read_object(value, [&](std::string_view module, ondemand::value member) -> Error {
          if (module == "identificationModule") return read_identification(member, facts);
          if (module == "statusModule") return read_status(member, facts);
          if (module == "designModule") return read_design(member, facts);
          return simdjson::SUCCESS;
        });
      } else if (key == "annotationSection") {
        error = read_annotation(value, facts);
      } else if (key == "hasResults") {
        bool has_results = false;
        if (value.get_bool().get(has_results) == simdjson::SUCCESS) facts.has_results = has_results;
      }
      if (error) break;
    }
  }
  if (error)
    return core::Error{core::Error::Code::bad_response,
                       std::string("a study document is not valid JSON: ") + simdjson::error_message(error)};
  return facts;
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
  facts.results_first_submit_date = text_at(root, "/protocolSection/statusModule/resultsFirstSubmitDate");
  facts.results_first_post_date = text_at(root, "/protocolSection/statusModule/resultsFirstPostDateStruct/date");
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
