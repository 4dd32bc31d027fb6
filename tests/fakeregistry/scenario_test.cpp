// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"

#include <catch2/catch.hpp>

namespace fr = trialwatch::fakeregistry;
using fr::Json;
using trialwatch::testing::read_test_file;
using trialwatch::testing::RegistryFixture;
using trialwatch::testing::test_data_dir;

namespace {

Json fetch(RegistryFixture& f, const std::string& id) {
  auto response = f.get("/api/v2/studies/" + id);
  REQUIRE(response);
  REQUIRE(response->status == 200);
  return Json::parse(response->body);
}

std::string text_at(const Json& study, const char* path) {
  const Json* value = study.at_path(path);
  return value == nullptr ? std::string("<absent>") : value->text();
}

std::string timestamp(RegistryFixture& f) {
  auto response = f.get("/api/v2/version");
  REQUIRE(response);
  return Json::parse(response->body).find("dataTimestamp")->text();
}

}  // namespace

TEST_CASE("the car-nk-results scenario walks NCT06613490 from recruiting to results posted",
          "[fakeregistry][scenario]") {
  RegistryFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"));
  REQUIRE(f.registry.day_count() == 6);
  const char* status = "protocolSection.statusModule.overallStatus";
  const char* last_update = "protocolSection.statusModule.lastUpdatePostDateStruct.date";

  Json day0 = fetch(f, "NCT06613490");
  CHECK(timestamp(f) == "2026-09-01T09:00:05");
  CHECK(text_at(day0, status) == "RECRUITING");
  CHECK(text_at(day0, "derivedSection.miscInfoModule.versionHolder") == "2026-09-01");

  REQUIRE(f.registry.advance_day());
  Json day1 = fetch(f, "NCT06613490");
  CHECK(timestamp(f) == "2026-09-02T09:00:04");
  CHECK(text_at(day1, status) == "ACTIVE_NOT_RECRUITING");
  CHECK(text_at(day1, last_update) == "2026-09-01");
  // Every record's versionHolder moves with each refresh, whether or not it changed.
  CHECK(text_at(fetch(f, "NCT00973089"), "derivedSection.miscInfoModule.versionHolder") == "2026-09-02");

  REQUIRE(f.registry.advance_day());
  Json day2 = fetch(f, "NCT06613490");
  CHECK(text_at(day2, status) == "COMPLETED");
  CHECK(text_at(day2, "protocolSection.statusModule.completionDateStruct.date") == "2026-08-28");
  CHECK(text_at(day2, "protocolSection.statusModule.completionDateStruct.type") == "ACTUAL");

  REQUIRE(f.registry.advance_day());
  Json day3 = fetch(f, "NCT06613490");
  CHECK(text_at(day3, "protocolSection.statusModule.resultsFirstSubmitDate") == "2026-09-03");
  CHECK(day3.find("hasResults")->as_bool());
  CHECK(day3.at_path("protocolSection.statusModule.resultsFirstPostDateStruct") == nullptr);
  CHECK(text_at(day3, last_update) == "2026-09-02");  // submission is not a public sponsor update

  REQUIRE(f.registry.advance_day());
  Json day4 = fetch(f, "NCT06613490");
  CHECK(text_at(day4, "protocolSection.statusModule.resultsFirstPostDateStruct.date") == "2026-09-04");
  const Json donor = Json::parse(read_test_file("ctgov/studies/NCT00763412.json"));
  REQUIRE(day4.find("resultsSection") != nullptr);
  CHECK(*day4.find("resultsSection") == *donor.find("resultsSection"));
  CHECK(day4.members()[1].first == "resultsSection");  // section order as the registry serves it

  const Json before_reprocessing = fetch(f, "NCT04280705");
  REQUIRE(f.registry.advance_day());
  const Json after_reprocessing = fetch(f, "NCT04280705");
  CHECK_FALSE(Json::same_content(before_reprocessing, after_reprocessing));
  CHECK(text_at(after_reprocessing, last_update) == text_at(before_reprocessing, last_update));
  CHECK_FALSE(f.registry.advance_day());

  f.registry.go_to_day(0);  // replayed from the base
  CHECK(text_at(fetch(f, "NCT06613490"), status) == "RECRUITING");
}

TEST_CASE("edit helpers change exactly what they name", "[fakeregistry][scenario]") {
  const Json original = Json::parse(read_test_file("ctgov/studies/NCT04267848.json"));
  Json study = original;
  SECTION("a versionHolder-only edit touches one leaf") {
    fr::edits::set_version_holder(study, "2026-11-24");
    CHECK_FALSE(study == original);
    Json restored = study;
    fr::edits::set_version_holder(restored, text_at(original, "derivedSection.miscInfoModule.versionHolder"));
    CHECK(restored == original);
  }
  SECTION("adding and removing a location") {
    const auto sites = study.at_path("protocolSection.contactsLocationsModule.locations")->items().size();
    fr::edits::add_location(study, "Nanjing Test Hospital", "Nanjing", "China");
    CHECK(study.at_path("protocolSection.contactsLocationsModule.locations")->items().size() == sites + 1);
    CHECK(fr::edits::remove_location(study, "Nanjing Test Hospital"));
    CHECK(study == original);
    CHECK_FALSE(fr::edits::remove_location(study, "Nowhere"));
  }
  SECTION("enrollment and dates") {
    fr::edits::set_enrollment(study, 99999999, "ESTIMATED");
    CHECK(text_at(study, "protocolSection.designModule.enrollmentInfo.count") == "99999999");
    fr::edits::set_date(study, fr::edits::DateField::primary_completion, "2027-03", "ESTIMATED");
    CHECK(text_at(study, "protocolSection.statusModule.primaryCompletionDateStruct.date") == "2027-03");
  }
  SECTION("a QC return adds an unposted RESET event") {
    fr::edits::return_results_in_qc(study, "2026-10-02");
    const Json* events = study.at_path("annotationSection.annotationModule.unpostedAnnotation.unpostedEvents");
    REQUIRE(events != nullptr);
    REQUIRE(events->items().size() == 1);
    CHECK(events->items()[0].dump() == R"({"type":"RESET","date":"2026-10-02","dateUnknown":false})");
  }
  SECTION("reprocessing changes derived or location text but never lastUpdatePostDate") {
    CHECK(fr::edits::reprocess(study));
    CHECK_FALSE(Json::same_content(study, original));
    CHECK(*study.at_path("protocolSection.statusModule") == *original.at_path("protocolSection.statusModule"));
  }
}

TEST_CASE("the control endpoints drive days, faults and the request log over HTTP", "[fakeregistry][scenario]") {
  RegistryFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"),
                    fr::FakeRegistry::ControlEndpoints::on);
  auto next = f.client.Post("/_control/day/next", "", "text/plain");
  REQUIRE(next);
  CHECK(next->status == 200);
  CHECK(Json::parse(next->body).find("day")->text() == "1");
  CHECK(timestamp(f) == "2026-09-02T09:00:04");

  auto jump = f.client.Post("/_control/day/4", "", "text/plain");
  REQUIRE(jump);
  CHECK(text_at(fetch(f, "NCT06613490"), "protocolSection.statusModule.resultsFirstPostDateStruct.date") ==
        "2026-09-04");
  auto beyond = f.client.Post("/_control/day/9", "", "text/plain");
  REQUIRE(beyond);
  CHECK(beyond->status == 409);

  auto fault = f.client.Post(
      "/_control/faults", R"({"path":"^/api/v2/version$","kind":"status","status":503,"times":1})", "application/json");
  REQUIRE(fault);
  CHECK(fault->status == 200);
  auto failed = f.get("/api/v2/version");
  REQUIRE(failed);
  CHECK(failed->status == 503);
  auto bad_fault = f.client.Post("/_control/faults", R"({"kind":"teleport"})", "application/json");
  REQUIRE(bad_fault);
  CHECK(bad_fault->status == 400);

  auto log = f.client.Get("/_control/requests");
  REQUIRE(log);
  const Json entries = Json::parse(log->body);
  REQUIRE(entries.items().size() == 3);  // version, study, version (503): control calls are not logged
  CHECK(entries.items()[1].find("path")->text() == "/api/v2/studies/NCT06613490");
  CHECK(entries.items()[2].find("status")->text() == "503");
  CHECK(entries.items()[2].find("fault")->text() == "status");
}
