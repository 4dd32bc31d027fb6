// SPDX-License-Identifier: MIT
// Golden diff cases: real recorded pairs and realistic edits of real documents, each checked two ways: an
// explicit list of event types, and the full output against tests/data/golden/<case>.json.
// TRIALWATCH_TEST_ACCEPT=1 rewrites the golden files; review the change in the commit diff.

#include "diff/classify.hpp"
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"
#include "tests/diff/golden_file.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <functional>

namespace edits = trialwatch::fakeregistry::edits;
using trialwatch::core::EventType;
using trialwatch::core::FieldChange;
using trialwatch::core::Provenance;
using trialwatch::fakeregistry::Json;
using trialwatch::testing::read_test_file;

namespace {

using Outcome = trialwatch::testing::DiffOutcome;
using trialwatch::testing::check_golden;
using trialwatch::testing::event_of;
using trialwatch::testing::run_diff;
using trialwatch::testing::types_of;

// Diff `file` against itself after `edit`.
Outcome edited(const char* file, const std::function<void(Json&)>& edit) {
  const Json before = Json::parse(read_test_file(file));
  Json after = before;
  edit(after);
  return run_diff(before.dump(), after.dump());
}

constexpr const char* k_car_nk = "ctgov/constructed/NCT06613490.json";
constexpr const char* k_posted = "ctgov/studies/NCT00763412.json";

}  // namespace

TEST_CASE("NCT02552212 2023-12-12 -> 2024-01-03 is registry reprocessing only", "[diff][golden]") {
  const auto outcome = run_diff(read_test_file("ctgov/studies/NCT02552212.v2023-12-12.json"),
                                read_test_file("ctgov/studies/NCT02552212.v2024-01-03.json"));
  CHECK(outcome.classification.provenance == Provenance::registry_reprocessing);
  // Re-ordered MeSH browse lists are sets: only the real derived changes remain.
  for (const auto& change : outcome.changes) CHECK(change.path.rfind("derivedSection.", 0) == 0);
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::study_reprocessed});
  check_golden("NCT02552212-reprocessed", outcome);
}

TEST_CASE("NCT04280705 2025-03-21 -> 2026-08-19 is one study_reprocessed and no typed event", "[diff][golden]") {
  const auto outcome = run_diff(read_test_file("ctgov/studies/NCT04280705.v2025-03-21.from-page.json"),
                                read_test_file("ctgov/studies/NCT04280705.v2026-08-19.json"));
  CHECK(outcome.classification.provenance == Provenance::registry_reprocessing);
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::study_reprocessed});
  CHECK(outcome.changes.size() > 20);
  check_golden("NCT04280705-reprocessed", outcome);
}

TEST_CASE("a versionHolder-only change yields no change and no event", "[diff][golden]") {
  const auto outcome = edited(k_posted, [](Json& s) { edits::set_version_holder(s, "2026-11-24"); });
  CHECK(outcome.changes.empty());
  CHECK(outcome.classification.events.empty());
}

TEST_CASE("identical documents, pretty-printed or minified, yield nothing", "[diff][golden]") {
  const std::string pretty = read_test_file("ctgov/studies/NCT02552212.v2023-12-12.json");
  const auto outcome = run_diff(pretty, Json::parse(pretty).dump());
  CHECK(outcome.changes.empty());
  CHECK(outcome.classification.events.empty());
}

TEST_CASE("a status change by the sponsor is last_updated + status_changed", "[diff][golden]") {
  const auto outcome = edited(k_car_nk, [](Json& s) {
    edits::set_overall_status(s, "ACTIVE_NOT_RECRUITING");
    edits::bump_last_update(s, "2026-09-01");
  });
  CHECK(outcome.classification.provenance == Provenance::sponsor_update);
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::last_updated, EventType::status_changed});
  const auto& status = event_of(outcome, EventType::status_changed);
  CHECK(status.old_json == "\"RECRUITING\"");
  CHECK(status.new_json == "\"ACTIVE_NOT_RECRUITING\"");
  CHECK(status.summary == "Status RECRUITING → ACTIVE_NOT_RECRUITING");
  check_golden("status-changed", outcome);
}

TEST_CASE("a status change without a new lastUpdatePostDate is reprocessing, not status_changed", "[diff][golden]") {
  const auto outcome = edited(k_car_nk, [](Json& s) { edits::set_overall_status(s, "COMPLETED"); });
  CHECK(outcome.classification.provenance == Provenance::registry_reprocessing);
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::study_reprocessed});
}

TEST_CASE("results submitted, returned by QC and posted are each reported once", "[diff][golden]") {
  SECTION("submitted: resultsFirstSubmitDate appears; hasResults turning true is not a separate signal") {
    const auto outcome = edited(k_car_nk, [](Json& s) { edits::submit_results(s, "2026-09-03"); });
    CHECK(types_of(outcome) == std::vector<EventType>{EventType::results_submitted});
    CHECK(event_of(outcome, EventType::results_submitted).new_json == "\"2026-09-03\"");
    check_golden("results-submitted", outcome);
  }
  SECTION("returned: an unposted RESET event appears") {
    const auto outcome = edited(k_car_nk, [](Json& s) {
      edits::submit_results(s, "2026-09-03");
      edits::return_results_in_qc(s, "2026-10-02");
    });
    CHECK(types_of(outcome) == std::vector<EventType>{EventType::results_submitted, EventType::results_returned});
    check_golden("results-returned", outcome);
  }
  SECTION("posted: resultsFirstPostDateStruct appears with a real resultsSection") {
    const Json donor = Json::parse(read_test_file(k_posted));
    Json submitted = Json::parse(read_test_file(k_car_nk));
    edits::submit_results(submitted, "2026-09-03");
    Json posted = submitted;
    edits::post_results(posted, "2026-09-04", *donor.find("resultsSection"));
    edits::bump_last_update(posted, "2026-09-04");
    const auto outcome = run_diff(submitted.dump(), posted.dump());
    CHECK(outcome.classification.provenance == Provenance::sponsor_update);
    CHECK(types_of(outcome) == std::vector<EventType>{EventType::results_posted, EventType::last_updated});
    const auto& posted_event = event_of(outcome, EventType::results_posted);
    CHECK(posted_event.new_json == "\"2026-09-04\"");
    CHECK_THAT(posted_event.summary, Catch::Contains("https://clinicaltrials.gov/study/NCT06613490?tab=results"));
    check_golden("results-posted", outcome);
  }
  SECTION("hasResults alone is never a signal") {
    const auto outcome = edited(k_car_nk, [](Json& s) { s.set("hasResults", Json::boolean(true)); });
    CHECK(outcome.changes.size() == 1);
    CHECK(outcome.classification.events.empty());
  }
}

TEST_CASE("a change to posted results is results_updated", "[diff][golden]") {
  const auto outcome = edited(k_posted, [](Json& s) {
    Json* groups = s.at_path("resultsSection.participantFlowModule.groups");
    REQUIRE(groups != nullptr);
    groups->items().front().set("description", Json::string("Corrected description of the group"));
    edits::bump_last_update(s, "2026-09-10");
  });
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::last_updated, EventType::results_updated});
  check_golden("results-updated", outcome);
}

TEST_CASE("enrollment changes report counts and types, 99999999 as unknown", "[diff][golden]") {
  const auto outcome = edited(k_posted, [](Json& s) {
    edits::set_enrollment(s, 99999999, "ESTIMATED");
    edits::bump_last_update(s, "2026-09-10");
  });
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::last_updated, EventType::enrollment_changed});
  const auto& event = event_of(outcome, EventType::enrollment_changed);
  CHECK(event.summary == "Enrollment 31 (ACTUAL) → unknown (ESTIMATED)");
  check_golden("enrollment-changed", outcome);
}

TEST_CASE("dates: a slip is counted in days, a refinement is not a slip, ESTIMATED -> ACTUAL counts",
          "[diff][golden]") {
  SECTION("slip between full dates") {
    const auto outcome = edited(k_car_nk, [](Json& s) {
      edits::set_date(s, edits::DateField::completion, "2027-01-15", "ESTIMATED");
      edits::bump_last_update(s, "2026-09-01");
    });
    CHECK(types_of(outcome) == std::vector<EventType>{EventType::last_updated, EventType::dates_changed});
    CHECK(event_of(outcome, EventType::dates_changed).summary ==
          "Completion date 2026-10-20 (ESTIMATED) → 2027-01-15 (ESTIMATED), 87 days later");
    check_golden("dates-slipped", outcome);
  }
  SECTION("refinement of a partial date") {
    const auto outcome = edited(k_posted, [](Json& s) {
      edits::set_date(s, edits::DateField::start, "2006-11-14", "ACTUAL");
      edits::bump_last_update(s, "2026-09-01");
    });
    CHECK(event_of(outcome, EventType::dates_changed).summary ==
          "Start date 2006-11 → 2006-11-14 (ACTUAL): refined from 2006-11 to 2006-11-14, not moved");
  }
  SECTION("same date, now ACTUAL") {
    const auto outcome = edited(k_car_nk, [](Json& s) {
      edits::set_date(s, edits::DateField::start, "2025-05-20", "ACTUAL");
      edits::bump_last_update(s, "2026-09-01");
    });
    CHECK(event_of(outcome, EventType::dates_changed).summary == "Start date 2025-05-20 is now ACTUAL (was ESTIMATED)");
  }
}

TEST_CASE("each part of the record has its own event type", "[diff][golden]") {
  struct Case {
    const char* name;
    const char* file;
    std::function<void(Json&)> edit;
    EventType expected;
  };
  const std::vector<Case> cases{
      {"eligibility-changed", k_car_nk,
       [](Json& s) { s.ensure_path("protocolSection.eligibilityModule").set("minimumAge", Json::string("16 Years")); },
       EventType::eligibility_changed},
      {"outcomes-changed", k_posted,
       [](Json& s) {
         auto& outcomes = s.at_path("protocolSection.outcomesModule.primaryOutcomes")->items();
         outcomes.front().set("description", Json::string("Revised description"));
       },
       EventType::outcomes_changed},
      {"arms-changed", k_car_nk,
       [](Json& s) {
         Json intervention = Json::object();
         intervention.set("type", Json::string("DRUG"));
         intervention.set("name", Json::string("Cyclophosphamide"));
         s.ensure_path("protocolSection.armsInterventionsModule").find("interventions")->push_back(intervention);
       },
       EventType::arms_changed},
      {"sponsor-changed", k_posted,
       [](Json& s) {
         s.ensure_path("protocolSection.sponsorCollaboratorsModule.leadSponsor")
             .set("name", Json::string("New Sponsor"));
       },
       EventType::sponsor_changed},
      {"title-changed", k_car_nk,
       [](Json& s) {
         s.ensure_path("protocolSection.identificationModule")
             .set("briefTitle", Json::string("CD19 CAR-NK Cells in Refractory ASyS and RA"));
       },
       EventType::title_changed},
      {"locations-changed", "ctgov/studies/NCT04267848.json",
       [](Json& s) {
         edits::add_location(s, "Nanjing Test Hospital", "Nanjing", "China");
         auto& sites = s.at_path("protocolSection.contactsLocationsModule.locations")->items();
         sites.erase(sites.begin() + 500);
       },
       EventType::locations_changed},
      {"documents-changed", "ctgov/studies/NCT02552212.v2024-01-03.json",
       [](Json& s) {
         auto& docs = s.at_path("documentSection.largeDocumentModule.largeDocs")->items();
         Json doc = docs.front();
         doc.set("filename", Json::string("SAP_001.pdf"));
         docs.push_back(doc);
       },
       EventType::documents_changed},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto outcome = edited(c.file, [&](Json& s) {
      c.edit(s);
      edits::bump_last_update(s, "2026-09-10");
    });
    CHECK(types_of(outcome) == std::vector<EventType>{EventType::last_updated, c.expected});
    check_golden(c.name, outcome);
  }
}

TEST_CASE("one inserted site among 1148 is one change, not a cascade", "[diff][golden]") {
  const auto outcome = edited("ctgov/studies/NCT04267848.json", [](Json& s) {
    auto& sites = s.at_path("protocolSection.contactsLocationsModule.locations")->items();
    Json site = Json::object();
    site.set("facility", Json::string("Nanjing Test Hospital"));
    site.set("city", Json::string("Nanjing"));
    site.set("country", Json::string("China"));
    sites.insert(sites.begin(), site);
    edits::bump_last_update(s, "2026-09-10");
  });
  std::size_t location_changes = 0;
  for (const auto& change : outcome.changes)
    if (change.path.rfind("protocolSection.contactsLocationsModule.locations", 0) == 0) {
      ++location_changes;
      CHECK(change.op == FieldChange::Op::add);
      CHECK(change.path == "protocolSection.contactsLocationsModule.locations[Nanjing Test Hospital, Nanjing, China]");
    }
  CHECK(location_changes == 1);
  CHECK(event_of(outcome, EventType::locations_changed).summary == "Locations: 1 site added");
}

TEST_CASE("registry reprocessing of a real document is one study_reprocessed", "[diff][golden]") {
  const auto outcome =
      edited("ctgov/studies/NCT04280705.v2026-08-19.json", [](Json& s) { REQUIRE(edits::reprocess(s)); });
  CHECK(outcome.classification.provenance == Provenance::registry_reprocessing);
  CHECK(types_of(outcome) == std::vector<EventType>{EventType::study_reprocessed});
  check_golden("reprocessed-derived-and-location", outcome);
}
