// SPDX-License-Identifier: MIT
// read_study_facts agrees with the facts the differ reads while comparing, on every recorded study, and reads
// projections and rejects what is not a study.
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

using trialwatch::diff::read_study_facts;
using trialwatch::diff::StudyFacts;

namespace {

void check_same(const StudyFacts& a, const StudyFacts& b) {
  CHECK(a.nct_id == b.nct_id);
  CHECK(a.aliases == b.aliases);
  CHECK(a.brief_title == b.brief_title);
  CHECK(a.overall_status == b.overall_status);
  CHECK(a.last_update_post_date == b.last_update_post_date);
  CHECK(a.results_first_submit_date == b.results_first_submit_date);
  CHECK(a.results_first_post_date == b.results_first_post_date);
  CHECK(a.has_results == b.has_results);
  CHECK(a.start == b.start);
  CHECK(a.primary_completion == b.primary_completion);
  CHECK(a.completion == b.completion);
  CHECK(a.enrollment_count == b.enrollment_count);
  CHECK(a.enrollment_type == b.enrollment_type);
  CHECK(a.reset_dates == b.reset_dates);
}

// Call `check` with each recorded study document; return how many there were.
int for_each_recorded_study(const std::function<void(const std::string& json)>& check) {
  int studies = 0;
  for (const auto* folder : {"ctgov/studies", "ctgov/constructed"}) {
    for (const auto& entry : std::filesystem::directory_iterator(trialwatch::testing::test_data_dir() / folder)) {
      if (entry.path().extension() != ".json") continue;
      CAPTURE(entry.path().filename().string());
      check(trialwatch::testing::read_file(entry.path()));
      ++studies;
    }
  }
  return studies;
}

}  // namespace

TEST_CASE("read_study_facts agrees with the facts compare() reads on every recorded study", "[diff][facts]") {
  trialwatch::diff::StudyDiffer differ;
  const int studies = for_each_recorded_study([&](const std::string& json) {
    const auto read = read_study_facts(json);
    REQUIRE(read.has_value());
    const auto compared = differ.compare(json, json);
    REQUIRE(compared.has_value());
    check_same(*read, compared->before);
    check_same(*read, compared->after);
    CHECK_FALSE(read->nct_id.empty());
  });
  CHECK(studies >= 28);
}

TEST_CASE("the facts of a watermark projection and of things that are not studies", "[diff][facts]") {
  const auto projected = read_study_facts(
      R"({"protocolSection":{"identificationModule":{"nctId":"NCT06613490"},"statusModule":{"overallStatus":)"
      R"("RECRUITING","lastUpdatePostDateStruct":{"date":"2025-04-30"}}},"annotationSection":{"annotationModule":)"
      R"({"unpostedAnnotation":{"unpostedEvents":[{"type":"RESET","date":"2026-09-10"},{"type":"RELEASE",)"
      R"("date":"2026-09-01"}]}}},"hasResults":false})");
  REQUIRE(projected.has_value());
  CHECK(projected->nct_id == "NCT06613490");
  CHECK(projected->overall_status == "RECRUITING");
  CHECK(projected->last_update_post_date == "2025-04-30");
  CHECK(projected->reset_dates == std::vector<std::string>{"2026-09-10"});
  CHECK(projected->has_results == false);
  CHECK(projected->brief_title.empty());

  // Not JSON, not an object, invalid UTF-8, a lone surrogate, nested deeper than the parser goes: one record that
  // cannot be read, which the sync skips.
  const std::string deep = R"({"a":)" + std::string(2000, '[') + std::string(2000, ']') + "}";
  for (const auto& bad :
       {std::string(), std::string("<html>blocked</html>"), std::string("[1,2]"), std::string(R"({"protocolSection":)"),
        std::string("{\"a\":\"\xff\"}"), std::string(R"({"a":"\ud800"})"), deep}) {
    CAPTURE(bad.substr(0, 40));
    const auto result = read_study_facts(bad);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == trialwatch::core::Error::Code::unreadable);
  }
}

TEST_CASE("the differ's read() gives what read_study_facts gives, errors included", "[diff][facts]") {
  trialwatch::diff::StudyDiffer differ;
  for_each_recorded_study([&](const std::string& json) {
    const auto read = differ.read(json);
    REQUIRE(read.has_value());
    check_same(*read_study_facts(json), *read);
  });
  for (const auto* bad : {"", "<html>blocked</html>", "[1,2]", R"({"protocolSection":)",
                          R"({"protocolSection":[1],"hasResults":true})", R"({"hasResults":true} trailing)"}) {
    CAPTURE(bad);
    const auto expected = read_study_facts(bad);
    const auto read = differ.read(bad);
    REQUIRE(read.has_value() == expected.has_value());
    if (read.has_value())
      check_same(*expected, *read);
    else
      CHECK((read.error().code == expected.error().code && read.error().message == expected.error().message));
  }
}
