// SPDX-License-Identifier: MIT
// The website's history endpoints of the fake registry: the versions a scenario's days make, the website's
// formatting, the recorded NCT04280705 version 0, empty histories, 404s, faults and the request log.
#include "tests/fakeregistry/history.hpp"

#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fr = trialwatch::fakeregistry;
using fr::Json;
using trialwatch::testing::read_test_file;
using trialwatch::testing::RegistryFixture;
using trialwatch::testing::test_data_dir;

namespace {

constexpr const char* k_recorded_v0 = "ctgov/history/NCT04280705.history-v0.json";

fr::Scenario car_nk_results() { return fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"); }

// GET `target` and return the response, which must have come.
httplib::Result get_ok(RegistryFixture& f, const std::string& target) {
  auto response = f.get(target);
  REQUIRE(response);
  return response;
}

// The `history.changes` of the list of `id`, as (version, date, status) lines.
std::vector<std::string> changes_of(RegistryFixture& f, const std::string& id) {
  auto response = get_ok(f, "/api/int/studies/" + id + "?history=true");
  REQUIRE(response->status == 200);
  const Json list = Json::parse(response->body);
  const Json* changes = list.at_path("history.changes");
  REQUIRE(changes != nullptr);
  std::vector<std::string> lines;
  for (const Json& change : changes->items())
    lines.push_back(change.find("version")->text() + " " + change.find("date")->text() + " " +
                    change.find("status")->text());
  return lines;
}

std::vector<std::string> labels_of(const Json& change) {
  std::vector<std::string> labels;
  for (const Json& label : change.find("moduleLabels")->items()) labels.push_back(label.text());
  return labels;
}

std::string text_at(const Json& value, const char* path) {
  const Json* found = value.at_path(path);
  return found == nullptr ? std::string("<absent>") : found->text();
}

}  // namespace

TEST_CASE("the website's formatting escapes HTML, drops markdown escapes and derivedSection, renders criteria as HTML",
          "[fakeregistry][history]") {
  Json study =
      Json::parse(R"({"protocolSection":{"descriptionModule":{"briefSummary":"a/b <c> & 'd' \"e\" \\> 5 \\*x\\*"},
    "eligibilityModule":{"eligibilityCriteria":"Inclusion Criteria:\n\n* Age \\>/= 18\n* Either:\n\n  1. one\n  2. two\n\nExclusion Criteria:\n\n* none"},
    "designModule":{"phases":["PHASE2"]}},"derivedSection":{"miscInfoModule":{"versionHolder":"2026-08-19"}},"hasResults":false})");
  const Json past = fr::website_format(study, false);
  CHECK(text_at(past, "protocolSection.descriptionModule.briefSummary") ==
        "a&#x2F;b &lt;c&gt; &amp; &#x27;d&#x27; &quot;e&quot; &gt; 5 *x*");
  CHECK(text_at(past, "protocolSection.eligibilityModule.eligibilityCriteria") ==
        "<p>Inclusion Criteria:</p><ul><li>Age &gt;&#x2F;= 18</li><li><p>Either:</p><ol><li>one</li><li>two</li></ol>"
        "</li></ul><p>Exclusion Criteria:</p><ul><li>none</li></ul>");
  CHECK(past.find("derivedSection") == nullptr);
  CHECK(past.find("hasResults") != nullptr);
  CHECK(past.at_path("protocolSection.designModule.phases")->items().front().text() == "PHASE2");
  const Json current = fr::website_format(study, true);
  CHECK(text_at(current, "derivedSection.miscInfoModule.versionHolder") == "2026-08-19");
}

TEST_CASE("markdown becomes the website's HTML: paragraphs, nested lists, soft breaks kept",
          "[fakeregistry][history]") {
  CHECK(fr::markdown_to_html("One line\nand its soft break") == "<p>One line\nand its soft break</p>");
  CHECK(fr::markdown_to_html("1. a\n2. b\n   continued\n\n   second paragraph\n3. c") ==
        "<ol><li>a</li><li><p>b\ncontinued</p><p>second paragraph</p></li><li>c</li></ol>");
  CHECK(fr::markdown_to_html("\\- not a list\n-Serum, not a list either") ==
        "<p>- not a list\n-Serum, not a list either</p>");
  CHECK(fr::markdown_to_html("* a\n\n* b") == "<ul><li>a</li><li>b</li></ul>");
  CHECK(fr::markdown_to_html("") == "");
}

TEST_CASE("the history list has one version per sponsor update of the scenario's days", "[fakeregistry][history]") {
  RegistryFixture f(car_nk_results());
  CHECK(changes_of(f, "NCT06613490") == std::vector<std::string>{"0 2025-04-30 RECRUITING"});
  f.registry.go_to_day(5);
  // Day 1 and day 2 are sponsor updates, day 3 (results submitted) is not, day 4 (results posted) is.
  CHECK(changes_of(f, "NCT06613490") == std::vector<std::string>{"0 2025-04-30 RECRUITING",
                                                                 "1 2026-09-01 ACTIVE_NOT_RECRUITING",
                                                                 "2 2026-09-02 COMPLETED", "3 2026-09-04 COMPLETED"});
  // The recorded website version 0 (submitted 2020-02-20), then the recorded API v2 document; day 5's
  // registry-side reprocessing of NCT04280705 is no version.
  CHECK(changes_of(f, "NCT04280705") ==
        std::vector<std::string>{"0 2020-02-20 NOT_YET_RECRUITING", "1 2022-03-09 COMPLETED"});

  const Json list = Json::parse(get_ok(f, "/api/int/studies/NCT06613490?history=true")->body);
  const auto& changes = list.at_path("history.changes")->items();
  CHECK(labels_of(changes[0]).empty());
  CHECK(labels_of(changes[1]) == std::vector<std::string>{"Study Status"});
  const auto posted = labels_of(changes[3]);
  CHECK(posted.front() == "Study Status");
  CHECK(std::find(posted.begin(), posted.end(), "Adverse Events") != posted.end());
  // The current study in the website's formatting, with its derivedSection, and topics.
  CHECK(text_at(list, "study.protocolSection.identificationModule.nctId") == "NCT06613490");
  CHECK(list.at_path("study.derivedSection") != nullptr);
  CHECK(list.find("topics") != nullptr);
  // Without history=true: the study alone.
  CHECK(Json::parse(get_ok(f, "/api/int/studies/NCT06613490")->body).find("history") == nullptr);

  f.registry.go_to_day(1);  // replayed from the base: later versions are gone
  CHECK(changes_of(f, "NCT06613490").size() == 2);
}

TEST_CASE("a version is served in the website's formatting, and the recorded version 0 byte for byte",
          "[fakeregistry][history]") {
  RegistryFixture f(car_nk_results());
  f.registry.go_to_day(1);
  auto v1 = get_ok(f, "/api/int/studies/NCT06613490/history/1");
  CHECK(v1->status == 200);
  CHECK(v1->get_header_value("Content-Type") == "application/json");
  const Json version = Json::parse(v1->body);
  CHECK(version.find("studyVersion")->text() == "1");
  CHECK(text_at(version, "study.protocolSection.statusModule.overallStatus") == "ACTIVE_NOT_RECRUITING");
  CHECK(version.at_path("study.derivedSection") == nullptr);
  CHECK(text_at(Json::parse(get_ok(f, "/api/int/studies/NCT06613490/history/0")->body),
                "study.protocolSection.statusModule.overallStatus") == "RECRUITING");

  auto v0 = get_ok(f, "/api/int/studies/NCT04280705/history/0");
  CHECK(v0->status == 200);
  CHECK(v0->body == read_test_file(k_recorded_v0));

  // Where the API v2 document has '/', the website's version has "&#x2F;"; criteria are HTML.
  const Json api = Json::parse(get_ok(f, "/api/v2/studies/NCT04280705")->body);
  const Json website = Json::parse(get_ok(f, "/api/int/studies/NCT04280705/history/1")->body);
  const std::string api_summary = text_at(api, "protocolSection.descriptionModule.briefSummary");
  const std::string website_summary = text_at(website, "study.protocolSection.descriptionModule.briefSummary");
  REQUIRE(api_summary.find("evolve/improve") != std::string::npos);
  CHECK(website_summary.find("evolve/improve") == std::string::npos);
  CHECK(website_summary.find("evolve&#x2F;improve") != std::string::npos);
  CHECK_THAT(text_at(website, "study.protocolSection.eligibilityModule.eligibilityCriteria"),
             Catch::StartsWith("<p>Inclusion Criteria:</p><ol><li>Admitted to a hospital"));
}

TEST_CASE("an empty history lists no change, and unknown studies, versions and paths are refused like the site",
          "[fakeregistry][history]") {
  fr::Scenario scenario = RegistryFixture::base_scenario();
  scenario.base.without_history.insert("NCT00973089");
  RegistryFixture f(std::move(scenario));
  auto empty = get_ok(f, "/api/int/studies/NCT00973089?history=true");
  CHECK(empty->status == 200);
  CHECK(Json::parse(empty->body).at_path("history.changes")->items().empty());
  CHECK(empty->body.find(R"("history":{"changes":[]})") != std::string::npos);
  CHECK(get_ok(f, "/api/int/studies/NCT00973089/history/0")->status == 404);

  auto unknown = get_ok(f, "/api/int/studies/NCT09999999?history=true");
  CHECK(unknown->status == 404);
  CHECK(unknown->get_header_value("Content-Type") == "text/plain; charset=UTF-8");
  CHECK(unknown->body == "NCT number NCT09999999 not found");
  auto beyond = get_ok(f, "/api/int/studies/NCT04280705/history/2");
  CHECK(beyond->status == 404);
  CHECK(beyond->body == "Version 2 of NCT04280705 not found");
  CHECK(get_ok(f, "/api/int/studies/nct4280705/history/1")->status == 200);  // IDs normalised as API v2 does
  CHECK(get_ok(f, "/api/int/studies/NCTX/history/0")->status == 400);
  CHECK(get_ok(f, "/api/int/studies/NCT04280705/history/x")->get_header_value("Content-Type") == "text/html");
}

TEST_CASE("a sponsor update made with modify() is a new version, a registry-side edit is not",
          "[fakeregistry][history]") {
  RegistryFixture f;
  REQUIRE(changes_of(f, "NCT00973089").size() == 1);
  f.registry.modify([](fr::RegistryData& data) { fr::edits::reprocess(*data.find_mutable("NCT00973089")); });
  CHECK(changes_of(f, "NCT00973089").size() == 1);
  f.registry.modify([](fr::RegistryData& data) {
    Json& study = *data.find_mutable("NCT00973089");
    fr::edits::set_overall_status(study, "TERMINATED");
    fr::edits::bump_last_update(study, "2026-09-10");
  });
  CHECK(changes_of(f, "NCT00973089").back() == "1 2026-09-10 TERMINATED");
}

TEST_CASE("history requests go through the faults and the request log", "[fakeregistry][history][faults]") {
  RegistryFixture f;
  f.registry.add_fault(fr::Fault{.path = "^/api/int/studies/NCT04280705/history/0$", .times = 1, .status = 403});
  f.registry.add_fault(fr::Fault{.path = "^/api/int/studies/NCT06613490$",
                                 .times = 1,
                                 .kind = fr::Fault::Kind::json,
                                 .body = R"({"history":{"changes":"not a list"}})"});
  CHECK(get_ok(f, "/api/int/studies/NCT04280705/history/0")->status == 403);
  CHECK(get_ok(f, "/api/int/studies/NCT04280705/history/0")->status == 200);
  auto odd = get_ok(f, "/api/int/studies/NCT06613490?history=true");
  CHECK(odd->status == 200);
  CHECK(odd->get_header_value("Content-Type") == "application/json");
  CHECK(odd->body == R"({"history":{"changes":"not a list"}})");
  const auto log = f.registry.requests();
  REQUIRE(log.size() == 3);
  CHECK(log[0].path == "/api/int/studies/NCT04280705/history/0");
  CHECK(log[0].status == 403);
  CHECK(log[0].fault == "status");
  CHECK(log[1].fault.empty());
  CHECK(log[2].query == "history=true");
  CHECK(log[2].fault == "json");
  CHECK(fr::Fault::from_json(Json::parse(R"({"kind":"json","body":"{}"})")).kind == fr::Fault::Kind::json);
}

TEST_CASE("a scenario names studies without history, and recorded versions are checked when loaded",
          "[fakeregistry][history]") {
  const trialwatch::testing::TempDir dir;
  std::ofstream(dir.path() / "scenario.json")
      << R"({"base": [")" << (test_data_dir() / "ctgov").string()
      << R"("], "withoutHistory": ["NCT06613490"], "days": [{"dataTimestamp": "2026-09-01T09:00:05"}]})";
  const fr::Scenario scenario = fr::load_scenario(dir.path());
  CHECK(scenario.base.without_history == std::set<std::string>{"NCT06613490"});
  REQUIRE(scenario.base.recorded_history.count("NCT04280705") == 1);
  CHECK(scenario.base.recorded_history.at("NCT04280705").front() == read_test_file(k_recorded_v0));

  const trialwatch::testing::TempDir history;
  std::ofstream(history.path() / "NCT04280705.history-v1.json") << read_test_file(k_recorded_v0);
  fr::RegistryData data;
  CHECK_THROWS_WITH(fr::load_recorded_history(history.path(), data), Catch::Contains("not the website's version 1"));
}
