// SPDX-License-Identifier: MIT
// Where the registry's past meets what trialwatch saw live: a three-version history before the first snapshot, a
// backfill queued after weeks of live tracking (nothing told twice), and the bridge from the last past version to
// the first snapshot (only real changes), each with the real trialwatchd against the fake registry's days.

#include "tests/integration/backfill_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using trialwatch::core::EventType;
using trialwatch::store::StoredEvent;
using trialwatch::testing::Backfilling;
using trialwatch::testing::history_requests;
using trialwatch::testing::past_events;

namespace {

const std::string k_story = "NCT06613490";

std::vector<StoredEvent> of_type(const std::vector<StoredEvent>& events, EventType type) {
  std::vector<StoredEvent> found;
  std::copy_if(events.begin(), events.end(), std::back_inserter(found),
               [&](const StoredEvent& event) { return event.type == type; });
  return found;
}

bool is_bridge(const StoredEvent& event) {
  return event.summary.find("the first snapshot seen live") != std::string::npos;
}

}  // namespace

TEST_CASE("a three-version history before the first snapshot becomes typed past events, once, then live events follow",
          "[integration][backfill]") {
  Backfilling b("full", k_story);
  auto& f = b.f;
  f.registry.registry.go_to_day(2);  // versions 0 (recruiting), 1 (active, not recruiting) and 2 (completed)
  const auto first = f.run_once();
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK(history_requests(f) == 4);  // the list, then each of the three versions

  const auto past = past_events(f);
  const auto statuses = of_type(past, EventType::status_changed);
  REQUIRE(statuses.size() == 2);
  CHECK(statuses[0].old_json == "\"RECRUITING\"");
  CHECK(statuses[0].new_json == "\"ACTIVE_NOT_RECRUITING\"");
  CHECK(statuses[0].registry_version == 1);
  CHECK(statuses[0].posted_date == "2026-09-01");
  CHECK(statuses[1].old_json == "\"ACTIVE_NOT_RECRUITING\"");
  CHECK(statuses[1].new_json == "\"COMPLETED\"");
  CHECK(statuses[1].registry_version == 2);
  CHECK(statuses[1].posted_date == "2026-09-02");
  // The completion date became actual with the last version: a dates_changed of the past.
  const auto dates = of_type(past, EventType::dates_changed);
  CHECK_FALSE(dates.empty());
  for (const auto& event : past) {
    CHECK(event.registry_version.has_value());
    CHECK_FALSE(is_bridge(event));  // version 2 is the first snapshot, in the website's formatting
  }
  std::set<std::string> ids;
  for (const auto& event : past) ids.insert(event.id);
  CHECK(ids.size() == past.size());

  // Results are submitted on day 3 and posted on day 4: live events, after the past ones; the backfill is done.
  for (int day = 3; day <= 4; ++day) {
    f.registry.registry.go_to_day(day);
    const auto run = f.run_once();
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
  }
  CHECK(history_requests(f) == 4);
  CHECK(past_events(f).size() == past.size());
  const auto all = f.events();
  const auto posted = of_type(all, EventType::results_posted);
  REQUIRE(posted.size() == 1);
  CHECK(posted[0].provenance == trialwatch::core::Provenance::sponsor_update);
  CHECK_FALSE(posted[0].registry_version.has_value());

  const auto history = b.cli({"history", k_story});
  INFO(history.output);
  REQUIRE(history.exit_code == 0);
  CHECK_THAT(history.output, Catch::Contains("3 past versions from the registry's history"));
  const auto recruiting_ends = history.output.find("RECRUITING → ACTIVE_NOT_RECRUITING");
  const auto results = history.output.find("results_posted");
  REQUIRE(recruiting_ends != std::string::npos);
  REQUIRE(results != std::string::npos);
  CHECK(recruiting_ends < results);  // one timeline, oldest first
}

TEST_CASE("a backfill queued after live tracking tells nothing the live sync told", "[integration][backfill]") {
  Backfilling b("off", k_story);
  auto& f = b.f;
  for (int day = 0; day <= 2; ++day) {
    f.registry.registry.go_to_day(day);
    const auto run = f.run_once();
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
  }
  REQUIRE(of_type(f.events(), EventType::status_changed).size() == 2);  // seen live on days 1 and 2

  const auto queued = b.cli({"backfill", "--full", k_story});
  INFO(queued.output);
  REQUIRE(queued.exit_code == 0);
  const auto run = f.run_once();
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(history_requests(f) == 4);
  // Versions 1 and 2 were submitted after the first snapshot: stored, but their changes were told live; version 0
  // is the first snapshot itself.
  CHECK(past_events(f).empty());
  CHECK(of_type(f.events(), EventType::status_changed).size() == 2);
  const auto shown = b.cli({"show", k_story, "--version", "r2"});
  CHECK(shown.exit_code == 0);
}

TEST_CASE("the bridge from the last past version to the first snapshot tells the registry's own change, not formats",
          "[integration][backfill]") {
  // Tracked from day 5, after the registry reprocessed NCT04280705 without a new version: the first snapshot differs
  // from the last past version (2022) in its locations and references, and in the formatting of every text.
  Backfilling b("full");
  auto& f = b.f;
  f.registry.registry.go_to_day(5);
  const auto run = f.run_once();
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  std::vector<StoredEvent> bridge;
  for (const auto& event : past_events(f))
    if (is_bridge(event)) bridge.push_back(event);
  REQUIRE(bridge.size() == 1);
  CHECK(bridge[0].type == EventType::study_reprocessed);
  CHECK(bridge[0].registry_version == 1);
  CHECK(bridge[0].posted_date == "2022-03-09");

  // Tracked before the reprocessing, the same bridge is empty: the two formats of one record are no change.
  Backfilling before("full");
  REQUIRE(before.f.run_once().exit_code == 0);
  const auto earlier = past_events(before.f);
  CHECK(std::none_of(earlier.begin(), earlier.end(), is_bridge));
  CHECK(earlier.size() + 1 == past_events(f).size());
}
