// SPDX-License-Identifier: MIT
// Reading the registry website's history answers: the recorded answers, and hand-made answers of every shape the
// reader must refuse with one sentence.

#include "diff/registry_history.hpp"

#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using trialwatch::core::Error;
using trialwatch::diff::read_history_list;
using trialwatch::diff::read_history_version;
using trialwatch::diff::RegistryVersion;
using trialwatch::testing::read_test_file;

namespace {

// The error of reading the history list `json`; FAIL when it reads.
Error list_error(std::string_view json) {
  auto result = read_history_list(json);
  if (result) FAIL("read a history list that should have been refused: " << json);
  return result.error();
}

// The error of reading the history version answer `json` as version `expected`; FAIL when it reads.
Error version_error(std::string_view json, int expected) {
  auto result = read_history_version(json, expected);
  if (result) FAIL("read a history version that should have been refused: " << json);
  return result.error();
}

// A history list answer whose changes array holds `changes` (JSON text).
std::string list_of(std::string_view changes) {
  return R"({"study":{},"history":{"changes":[)" + std::string(changes) + "]}}";
}

constexpr std::string_view k_study = R"({"protocolSection":{"identificationModule":{"nctId":"NCT04280705"}}})";

}  // namespace

TEST_CASE("the recorded history list of NCT03690141 reads as its ten versions", "[diff][history]") {
  const auto versions =
      read_history_list(read_test_file("ctgov/history/NCT03690141.int-studies-history-true.history-excerpt.json"));
  REQUIRE(versions.has_value());
  REQUIRE(versions->size() == 10);
  for (std::size_t i = 0; i < versions->size(); ++i) CHECK((*versions)[i].version == static_cast<int>(i));
  CHECK(versions->front() == RegistryVersion{0, "2018-09-27", "NOT_YET_RECRUITING", {}});
  CHECK((*versions)[1] == RegistryVersion{1, "2018-10-16", "RECRUITING", {"Study Status", "Contacts/Locations"}});
  CHECK((*versions)[2].module_labels.size() == 7);
  CHECK(versions->back() == RegistryVersion{9, "2020-04-27", "COMPLETED", {"Study Status"}});
}

TEST_CASE("a history list is ordered by version, and moduleLabels is optional", "[diff][history]") {
  const auto versions = read_history_list(list_of(R"({"version":2,"date":"2021-03-04","status":"COMPLETED"},
      {"version":0,"date":"2020-01-02","status":"NOT_YET_RECRUITING","moduleLabels":null},
      {"version":1,"date":"2020-06-30","status":"RECRUITING","moduleLabels":["Study Status"]})"));
  REQUIRE(versions.has_value());
  CHECK(*versions == std::vector<RegistryVersion>{{0, "2020-01-02", "NOT_YET_RECRUITING", {}},
                                                  {1, "2020-06-30", "RECRUITING", {"Study Status"}},
                                                  {2, "2021-03-04", "COMPLETED", {}}});
}

TEST_CASE("an empty history is an empty list, not an error", "[diff][history]") {
  const auto versions = read_history_list(list_of(""));
  REQUIRE(versions.has_value());
  CHECK(versions->empty());
}

TEST_CASE("a history list of unexpected shape is bad_response with one sentence naming the problem",
          "[diff][history]") {
  struct Case {
    std::string json;
    std::string_view names;  // what the sentence must name
  };
  const std::vector<Case> cases{
      {R"({"study":{}})", "history.changes"},
      {R"({"history":{}})", "history.changes"},
      {R"({"history":{"changes":{}}})", "history.changes"},
      {R"({"changes":[]})", "history.changes"},
      {R"([])", "not a JSON object"},
      {list_of(R"(7)"), "history.changes[0] "},
      {list_of(R"({"date":"2020-01-02","status":"RECRUITING"})"), "history.changes[0].version"},
      {list_of(R"({"version":"0","date":"2020-01-02","status":"RECRUITING"})"), "history.changes[0].version"},
      {list_of(R"({"version":1.5,"date":"2020-01-02","status":"RECRUITING"})"), "history.changes[0].version"},
      {list_of(R"({"version":1.0,"date":"2020-01-02","status":"RECRUITING"})"), "history.changes[0].version"},
      {list_of(R"({"version":-1,"date":"2020-01-02","status":"RECRUITING"})"), "history.changes[0].version"},
      {list_of(R"({"version":4294967296,"date":"2020-01-02","status":"RECRUITING"})"), "history.changes[0].version"},
      {list_of(R"({"version":0,"date":"2020-01-02","status":"RECRUITING"},
                  {"version":0,"date":"2020-02-03","status":"RECRUITING"})"),
       "version 0 twice"},
      {list_of(R"({"version":0,"date":"2020-02-30","status":"RECRUITING"})"), "history.changes[0].date"},
      {list_of(R"({"version":0,"date":"2020-02","status":"RECRUITING"})"), "history.changes[0].date"},
      {list_of(R"({"version":0,"date":"2020-1-02","status":"RECRUITING"})"), "history.changes[0].date"},
      {list_of(R"({"version":0,"status":"RECRUITING"})"), "history.changes[0].date"},
      {list_of(R"({"version":0,"date":"2020-01-02"})"), "history.changes[0].status"},
      {list_of(R"({"version":0,"date":"2020-01-02","status":""})"), "history.changes[0].status"},
      {list_of(R"({"version":0,"date":"2020-01-02","status":"RECRUITING","moduleLabels":"Study Status"})"),
       "history.changes[0].moduleLabels"},
      {list_of(R"({"version":0,"date":"2020-01-02","status":"RECRUITING","moduleLabels":[3]})"),
       "history.changes[0].moduleLabels"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    const Error error = list_error(c.json);
    CHECK(error.code == Error::Code::bad_response);
    CHECK_THAT(error.message, Catch::Contains(std::string(c.names)));
    CHECK(error.message.find('\n') == std::string::npos);
  }
}

TEST_CASE("a history answer that is not JSON is unreadable", "[diff][history]") {
  for (const std::string_view json : {"", "{", R"({"history":{"changes":[}})", "<html>Too Many Requests</html>"}) {
    INFO(json);
    CHECK(list_error(json).code == Error::Code::unreadable);
    CHECK(version_error(json, 0).code == Error::Code::unreadable);
  }
}

TEST_CASE("the recorded version 0 of NCT04280705 reads as its study bytes exactly as received", "[diff][history]") {
  const std::string answer = read_test_file("ctgov/history/NCT04280705.history-v0.json");
  const auto document = read_history_version(answer, 0);
  REQUIRE(document.has_value());
  CHECK(document->nct_id.str() == "NCT04280705");
  // The bytes between "study": and the answer's closing brace, untouched (HTML entities and all).
  const auto start = answer.find("\"study\":") + std::string_view("\"study\":").size();
  const auto end = answer.rfind('}');
  std::string_view expected = std::string_view(answer).substr(start, end - start);
  while (expected.front() == ' ' || expected.front() == '\n') expected.remove_prefix(1);
  while (expected.back() == ' ' || expected.back() == '\n') expected.remove_suffix(1);
  CHECK(document->study_json == expected);
  CHECK(document->study_json.data() >= answer.data());
  CHECK(document->study_json.data() + document->study_json.size() <= answer.data() + answer.size());
  CHECK_THAT(std::string(document->study_json), Catch::Contains("evolve&#x2F;improve"));
}

TEST_CASE("a history version's study is located whatever the member order, spacing and escapes", "[diff][history]") {
  const std::string study(k_study);
  for (const std::string& answer : std::vector<std::string>{
           R"({"study":)" + study + R"(,"studyVersion":3})",
           R"({ "studyVersion" : 3 , "study" :)" + std::string("\n\t ") + study + " \n}",
           R"({"note":"a } and a \" and a {","nested":{"study":[1,{"x":"]"}]},"studyVersion":3,"study":)" + study + "}",
           R"({"studyVersion":3,"stud\u0079":)" + study + "}",
       }) {
    INFO(answer);
    const auto document = read_history_version(answer, 3);
    REQUIRE(document.has_value());
    CHECK(document->study_json == study);
  }
}

TEST_CASE("a history version of unexpected shape is bad_response with one sentence", "[diff][history]") {
  const std::string study(k_study);
  struct Case {
    std::string json;
    int expected;
    std::string_view names;
  };
  const std::vector<Case> cases{
      {R"({"studyVersion":2,"study":)" + study + "}", 3, "version 2, not the 3"},
      {R"({"study":)" + study + "}", 0, "studyVersion"},
      {R"({"studyVersion":"0","study":)" + study + "}", 0, "studyVersion"},
      {R"({"studyVersion":0.5,"study":)" + study + "}", 0, "studyVersion"},
      {R"({"studyVersion":-1,"study":)" + study + "}", -1, "studyVersion"},
      {R"({"studyVersion":0})", 0, "no study object"},
      {R"({"studyVersion":0,"study":[]})", 0, "no study object"},
      {R"({"studyVersion":0,"study":{"protocolSection":{}}})", 0, "nctId"},
      {R"({"studyVersion":0,"study":{"protocolSection":{"identificationModule":{"nctId":7}}}})", 0, "nctId"},
      {R"({"studyVersion":0,"study":{"protocolSection":{"identificationModule":{"nctId":"NCT1"}}}})", 0,
       "not an NCT number"},
      {R"("studyVersion")", 0, "not a JSON object"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    const Error error = version_error(c.json, c.expected);
    CHECK(error.code == Error::Code::bad_response);
    CHECK_THAT(error.message, Catch::Contains(std::string(c.names)));
  }
}
