// SPDX-License-Identifier: MIT
// Results due, end to end: the real trialwatchd over the NCT06613490 scenario, its clock started with TRIALWATCH_NOW
// on the days around the due date, records results_overdue once per study and due date (across cycles, processes
// and days the registry did not refresh), never for posted, submitted, withdrawn or estimated studies, anew when a
// certification of delay moves the deadline and it passes again, and an exec channel that takes results_posted
// receives it once.

#include "tests/fakeregistry/edits.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

namespace fr = trialwatch::fakeregistry;
using trialwatch::core::EventType;
using trialwatch::store::StoredEvent;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

const std::string k_story = "NCT06613490";

// NCT06613490 tracked on registry day `day`, with an exec channel left at its default events (results_posted)
// that appends each event it receives to received.log.
struct Deadline {
  explicit Deadline(int day)
      : f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {k_story},
          trialwatch::testing::k_without_discovery) {
    std::ofstream(script()) << "#!/bin/sh\necho \"$TRIALWATCH_EVENT $TRIALWATCH_NCT_ID\" >> '" << received().string()
                            << "'\n";
    f.write_config({k_story}, trialwatch::testing::k_without_discovery +
                                  "[[notify]]\nname = \"lab\"\ntype = "
                                  "\"exec\"\ncommand = [\"/bin/sh\", \"" +
                                  script().string() + "\"]\n");
    f.registry.registry.go_to_day(day);
  }
  // Run one cycle with the daemon's clock starting at `now`.
  void run_at(const std::string& now) const {
    const auto run = f.run_once({}, {{"TRIALWATCH_NOW", now}});
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
  }
  std::vector<StoredEvent> overdue() const {
    std::vector<StoredEvent> found;
    for (auto& event : f.events())
      if (event.type == EventType::results_overdue) found.push_back(event);
    return found;
  }
  std::vector<std::string> received_lines() const {
    std::ifstream in(received());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::filesystem::path script() const { return f.dir.path() / "receive.sh"; }
  std::filesystem::path received() const { return f.dir.path() / "received.log"; }
  DaemonFixture f;
};

}  // namespace

TEST_CASE("results_overdue is recorded once when the due date passes, across cycles and restarts, and sent once",
          "[integration][due]") {
  // Registry day 2: completion 2026-08-28 (ACTUAL), no primary completion: results due 2027-08-28.
  Deadline d(2);
  d.run_at("2027-08-01T12:00:00Z");  // due in 27 days: due soon, nothing to record
  CHECK(d.overdue().empty());

  // The registry is not refreshed again; only the calendar moves.
  d.run_at("2027-09-01T12:00:00Z");
  auto overdue = d.overdue();
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0].nct_id == k_story);
  CHECK(overdue[0].provenance == trialwatch::core::Provenance::deadline);
  CHECK(overdue[0].old_json == "\"2027-08-28\"");
  CHECK(overdue[0].new_json == "4");  // 2027-08-28 → 2027-09-01
  CHECK(overdue[0].version == 1);
  CHECK_THAT(overdue[0].summary, Catch::Contains("4 days overdue") && Catch::Contains("completion 2026-08-28"));

  d.run_at("2027-09-02T12:00:00Z");
  d.run_at("2027-10-15T12:00:00Z");
  CHECK(d.overdue().size() == 1);  // never repeated
  CHECK(d.received_lines() == std::vector<std::string>{"results_overdue " + k_story});
}

TEST_CASE("a study first tracked after its due date gets results_overdue in its first cycle", "[integration][due]") {
  Deadline d(2);
  d.run_at("2028-03-01T12:00:00Z");
  const auto overdue = d.overdue();
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0].new_json == "186");  // 2027-08-28 → 2028-03-01 (2028 is a leap year)
  // Past already when its dates were first read: recorded as a baseline, not sent (no flood after an upgrade or a
  // saved search's first matches).
  CHECK(d.received_lines().empty());
  d.run_at("2028-03-02T12:00:00Z");
  CHECK(d.overdue().size() == 1);
  CHECK(d.received_lines().empty());
}

TEST_CASE("posted, submitted, estimated and withdrawn studies never get results_overdue", "[integration][due]") {
  SECTION("an estimated completion gives an expected date, not a deadline") {
    Deadline d(0);  // completion 2026-10-20 (ESTIMATED)
    d.run_at("2028-06-01T12:00:00Z");
    CHECK(d.overdue().empty());
  }
  SECTION("results submitted (day 3) or posted (day 4)") {
    for (int day : {3, 4}) {
      Deadline d(day);
      d.run_at("2028-06-01T12:00:00Z");
      CHECK(d.overdue().empty());
    }
  }
  SECTION("withdrawn") {
    Deadline d(2);
    d.f.registry.registry.modify(
        [](fr::RegistryData& data) { fr::edits::set_overall_status(*data.find_mutable(k_story), "WITHDRAWN"); });
    d.run_at("2028-06-01T12:00:00Z");
    CHECK(d.overdue().empty());
  }
  SECTION("results submitted after the due date passed: the event recorded stays, no new one comes") {
    Deadline d(2);
    d.run_at("2027-09-01T12:00:00Z");
    REQUIRE(d.overdue().size() == 1);
    d.f.registry.registry.go_to_day(3);
    d.run_at("2027-09-05T12:00:00Z");
    d.run_at("2028-06-01T12:00:00Z");
    CHECK(d.overdue().size() == 1);
  }
}

TEST_CASE("a certification of delay moves the deadline: nothing until the new one passes, then one new event",
          "[integration][due]") {
  Deadline d(2);
  d.run_at("2027-08-01T12:00:00Z");  // tracked before the due date: its deadline passing is sent
  d.run_at("2027-09-01T12:00:00Z");
  REQUIRE(d.overdue().size() == 1);

  // The sponsor certifies a delay on 2027-07-01 (a new sponsor version): due two years after it, 2029-07-01.
  d.f.registry.registry.modify([](fr::RegistryData& data) {
    auto& study = *data.find_mutable(k_story);
    study.ensure_path("protocolSection.statusModule").set("dispFirstSubmitDate", fr::Json::string("2027-07-01"));
    fr::edits::bump_last_update(study, "2027-09-10");
    data.data_timestamp = "2027-09-11T09:00:00";
  });
  d.run_at("2027-09-12T12:00:00Z");
  d.run_at("2029-06-30T12:00:00Z");
  CHECK(d.overdue().size() == 1);

  d.run_at("2029-07-03T12:00:00Z");
  const auto overdue = d.overdue();
  REQUIRE(overdue.size() == 2);
  const auto moved = std::find_if(overdue.begin(), overdue.end(),
                                  [](const StoredEvent& event) { return event.old_json == "\"2029-07-01\""; });
  REQUIRE(moved != overdue.end());
  CHECK(moved->new_json == "2");
  CHECK(moved->version == 2);
  CHECK_THAT(moved->summary, Catch::Contains("certification of delay submitted 2027-07-01"));
  CHECK(d.received_lines().size() == 2);
}
