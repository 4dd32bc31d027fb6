// SPDX-License-Identifier: MIT
// The bridge between the registry's past versions (website formatting) and API v2 documents: through
// comparable_form() the two formats of one record differ only where the record changed.

#include "diff/json_diff.hpp"
#include "diff/registry_history.hpp"
#include "diff/website_text.hpp"
#include "tests/diff/golden_file.hpp"
#include "tests/fakeregistry/history.hpp"
#include "tests/fakeregistry/json.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

using trialwatch::core::EventType;
using trialwatch::core::FieldChange;
using trialwatch::core::Provenance;
using trialwatch::fakeregistry::Json;
using trialwatch::testing::DiffOutcome;
using trialwatch::testing::event_of;
using trialwatch::testing::read_test_file;
using trialwatch::testing::run_diff;
using trialwatch::testing::types_of;

namespace {

constexpr const char* k_v0_answer = "ctgov/history/NCT04280705.history-v0.json";
constexpr const char* k_api_v2 = "ctgov/studies/NCT04280705.v2025-03-21.from-page.json";

std::string comparable(std::string_view study_json) {
  auto form = trialwatch::diff::comparable_form(study_json);
  if (!form) FAIL(form.error().message);
  return *form;
}

// The study bytes of the recorded version 0 answer, as read_history_version() returns them.
std::string recorded_v0_study() {
  const std::string answer = read_test_file(k_v0_answer);
  const auto document = trialwatch::diff::read_history_version(answer, 0);
  if (!document) FAIL(document.error().message);
  return std::string(document->study_json);
}

// The substance of the JSON value `json` (a field change's old or new value): the letters and digits of its
// comparable form. Two values of equal substance differ at most in formatting (entities, markup, escapes,
// punctuation and spacing), which a real change of this record never does alone.
std::string substance(const std::string& json) {
  std::string out;
  for (const char c : comparable(R"({"value":)" + (json.empty() ? std::string("null") : json) + "}"))
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) out.push_back(c);
  return out;
}

// The changes of `changes` that are formatting only: a replace whose old and new values are equal in substance, or
// a removed record equal in substance to a record added to the same array.
std::vector<FieldChange> formatting_only(const std::vector<FieldChange>& changes) {
  std::vector<FieldChange> noise;
  auto array_of = [](const std::string& path) { return path.substr(0, path.rfind('[')); };
  for (const auto& change : changes) {
    if (change.op == FieldChange::Op::replace && substance(change.old_json) == substance(change.new_json))
      noise.push_back(change);
    if (change.op != FieldChange::Op::remove) continue;
    for (const auto& added : changes)
      if (added.op == FieldChange::Op::add && array_of(added.path) == array_of(change.path) &&
          substance(added.new_json) == substance(change.old_json))
        noise.push_back(change);
  }
  return noise;
}

// `text` with its markdown backslash escapes removed and HTML-escaped as the website does, each line of several a
// paragraph or a list item: an API v2 text as the website serves it.
std::string website_text(const std::string& text) {
  std::string escaped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1]))
                       ? text[++i]
                       : text[i];
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#x27;";
        break;
      case '/':
        escaped += "&#x2F;";
        break;
      default:
        escaped.push_back(c);
    }
  }
  if (escaped.find('\n') == std::string::npos) return escaped;
  std::string html;
  std::size_t start = 0;
  while (start <= escaped.size()) {
    const auto end = std::min(escaped.find('\n', start), escaped.size());
    std::string line = escaped.substr(start, end - start);
    start = end + 1;
    line.erase(0, line.find_first_not_of(' '));
    if (line.empty()) continue;
    const auto marker = line.find_first_not_of("0123456789");
    const bool numbered = marker > 0 && marker != std::string::npos && line.compare(marker, 2, ". ") == 0;
    if (numbered || line.rfind("* ", 0) == 0)
      html += "<ol><li>" + line.substr(numbered ? marker + 2 : 2) + "</li></ol>";
    else
      html += "<p>" + line + "</p>";
  }
  return html;
}

// `value` with every string in website formatting.
void to_website_text(Json& value) {
  if (value.is_string() && !value.is_raw()) value = Json::string(website_text(value.text()));
  if (value.is_array())
    for (auto& item : value.items()) to_website_text(item);
  if (value.is_object())
    for (auto& member : value.members()) to_website_text(member.second);
}

// The API v2 document `api_json` as the website would serve it as a past version: text HTML-escaped, without
// markdown escapes, multi-line text as HTML, no derivedSection.
std::string website_form(const std::string& api_json) {
  Json study = Json::parse(api_json);
  study.erase("derivedSection");
  to_website_text(study);
  return study.dump();
}

}  // namespace

TEST_CASE("NCT04280705 registry version 0 (website) to its API v2 documents: the real changes, no formatting",
          "[diff][golden][history]") {
  const std::vector<EventType> expected{
      EventType::results_submitted,   EventType::results_posted,     EventType::last_updated,
      EventType::status_changed,      EventType::dates_changed,      EventType::dates_changed,
      EventType::dates_changed,       EventType::enrollment_changed, EventType::title_changed,
      EventType::eligibility_changed, EventType::outcomes_changed,   EventType::arms_changed,
      EventType::documents_changed,   EventType::locations_changed};
  const std::string v0 = comparable(recorded_v0_study());
  // The 2025 document (the golden file) and the raw 2026 API answer, which also has v0's derived references.
  for (const char* file : {k_api_v2, "ctgov/studies/NCT04280705.v2026-08-19.json"}) {
    INFO(file);
    const DiffOutcome outcome = run_diff(v0, comparable(read_test_file(file)));
    CHECK(outcome.classification.provenance == Provenance::sponsor_update);
    CHECK(types_of(outcome) == expected);
    const auto& status = event_of(outcome, EventType::status_changed);
    CHECK(status.old_json == "\"NOT_YET_RECRUITING\"");
    CHECK(status.new_json == "\"COMPLETED\"");
    CHECK(event_of(outcome, EventType::enrollment_changed).summary == "Enrollment 394 (ESTIMATED) → 1062 (ACTUAL)");
    // The one site of version 0 changed its zip code, part of a site's identity: 60 sites now, none of them it.
    CHECK(event_of(outcome, EventType::locations_changed).summary == "Locations: 60 sites added, 1 removed");
    CHECK(event_of(outcome, EventType::results_posted).new_json == "\"2020-09-25\"");
    const auto has = [&](FieldChange::Op op, const std::string& path) {
      return std::any_of(outcome.changes.begin(), outcome.changes.end(),
                         [&](const FieldChange& c) { return c.op == op && c.path == path; });
    };
    CHECK(has(FieldChange::Op::remove, "protocolSection.designModule.phases[PHASE2]"));
    CHECK(has(FieldChange::Op::add, "protocolSection.designModule.phases[PHASE3]"));
    CHECK(has(FieldChange::Op::add, "resultsSection"));
    for (const auto& change : formatting_only(outcome.changes))
      FAIL_CHECK("formatting only: " << change.path << ": " << change.old_json << " -> " << change.new_json);
    if (std::string_view(file) == k_api_v2)
      trialwatch::testing::check_golden("NCT04280705-history-v0-to-api-v2", outcome);
  }
}

TEST_CASE("without comparable_form the same bridge is full of formatting noise", "[diff][history]") {
  // What the test above would see if the website's formatting reached the differ: it can fail.
  trialwatch::diff::StudyDiffer differ;
  const auto changes = differ.diff(recorded_v0_study(), read_test_file(k_api_v2));
  REQUIRE(changes.has_value());
  const auto noise = formatting_only(*changes);
  CHECK(noise.size() >= 5);
  const auto citation = std::find_if(noise.begin(), noise.end(), [](const FieldChange& c) {
    return c.path == "protocolSection.referencesModule.references[32445440].citation";
  });
  REQUIRE(citation != noise.end());
  CHECK_THAT(citation->old_json, Catch::Contains("10.1056&#x2F;NEJMoa2007764"));
  CHECK_THAT(citation->new_json, Catch::Contains("10.1056/NEJMoa2007764"));
}

TEST_CASE("an API v2 document and its own website form compare equal through comparable_form", "[diff][history]") {
  for (const char* file : {k_api_v2, "ctgov/studies/NCT00763412.json", "ctgov/studies/NCT04267848.json",
                           "ctgov/studies/NCT03064438.json", "ctgov/constructed/NCT06613490.json"}) {
    INFO(file);
    const std::string api = read_test_file(file);
    const std::string website = website_form(api);
    trialwatch::diff::StudyDiffer differ;
    const auto raw = differ.diff(api, website);
    REQUIRE(raw.has_value());
    CHECK_FALSE(raw->empty());  // the formats differ byte for byte
    const auto changes = differ.diff(comparable(api), comparable(website));
    REQUIRE(changes.has_value());
    for (const auto& change : *changes) FAIL_CHECK(change.path << ": " << change.old_json << " -> " << change.new_json);
    CHECK(comparable(api) == comparable(website));
  }
}

TEST_CASE("the fake registry's website versions compare equal to the documents they are made from", "[diff][history]") {
  // The fake registry serves histories built from API v2 documents with nested HTML lists: the backfill tests
  // against it see no formatting noise only if this holds.
  for (const char* file : {k_api_v2, "ctgov/studies/NCT04267848.json", "ctgov/studies/NCT03064438.json",
                           "ctgov/constructed/NCT06613490.json"}) {
    INFO(file);
    const std::string api = read_test_file(file);
    const std::string website = trialwatch::fakeregistry::website_format(Json::parse(api), false).dump();
    CHECK(website != Json::parse(api).dump());
    CHECK(comparable(api) == comparable(website));
  }
}
