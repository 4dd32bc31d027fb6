// SPDX-License-Identifier: MIT
#include "store/queries.hpp"

#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch;
using store::Database;
using store::OpenMode;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

// Track NCT06613490 and store its first version, with one status_changed event, at `clock`'s time.
void record_status_change(Database& db, const testing::ManualClock& clock) {
  store::WatchList(db).track(id("NCT06613490"), "config", "", clock.now());
  store::NewVersion changed{id("NCT06613490"), "{}", "h1", {}, "2026-09-01T09:00:05", clock.now(), {}, {}, {}, {}, {}};
  changed.summary.overall_status = "RECRUITING";
  changed.summary.last_update_post_date = "2025-04-30";
  changed.events.push_back(core::ChangeEvent{core::EventType::status_changed, core::Provenance::sponsor_update, "path",
                                             "\"a\"", "\"b\"", "s"});
  changed.event_ids.push_back("h1-event-0");
  CHECK(store::Versions(db).record_version(changed) == 1);
}

}  // namespace

TEST_CASE("each_event visits events newest first, and a reused row never leaks into the next", "[store][queries]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  testing::ManualClock clock;
  // Older: a removal with no path, values or version; newer: a version's event with all of them. Visited newest
  // first, the row reused for the removal must shed what the status change had.
  const core::ChangeEvent removed{
      core::EventType::study_removed, core::Provenance::registry_reprocessing, {}, {}, {}, "gone"};
  CHECK(store::Versions(db).record_study_state(id("NCT00000105"), store::StudyState::removed, "", {removed},
                                               {"removed-id"}, "t", clock.now()) == 1);
  clock.advance(std::chrono::hours(1));
  record_status_change(db, clock);
  std::vector<store::StoredEvent> seen;
  store::Queries(db).each_event({}, [&](const store::StoredEvent& e) { seen.push_back(e); });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].type == core::EventType::status_changed);
  CHECK(seen[0].path == "path");
  CHECK(seen[0].new_json == "\"b\"");
  CHECK(seen[0].version == 1);
  CHECK(seen[1].type == core::EventType::study_removed);
  CHECK(seen[1].nct_id == "NCT00000105");
  CHECK(seen[1].path.empty());
  CHECK(seen[1].old_json.empty());
  CHECK(seen[1].new_json.empty());
  CHECK_FALSE(seen[1].version.has_value());
  CHECK(seen[1].summary == "gone");
}

TEST_CASE("a brief event read returns what a table shows and nothing else", "[store][queries]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  testing::ManualClock clock;
  record_status_change(db, clock);
  store::EventQuery brief;
  brief.brief = true;
  for (const bool one_study : {false, true}) {
    if (one_study) brief.nct_id = id("NCT06613490");
    const auto full = store::Queries(db).events({});
    const auto shown = store::Queries(db).events(brief);
    REQUIRE(full.size() == 1);
    REQUIRE(shown.size() == 1);
    CHECK(shown[0].nct_id == full[0].nct_id);
    CHECK(shown[0].type == full[0].type);
    CHECK(shown[0].detected_at == full[0].detected_at);
    CHECK(shown[0].old_json == full[0].old_json);
    CHECK(shown[0].new_json == "\"b\"");
    CHECK(shown[0].summary == full[0].summary);
    CHECK(!full[0].id.empty());
    CHECK(shown[0].id.empty());
    CHECK(shown[0].path.empty());
    CHECK(shown[0].data_timestamp.empty());
    CHECK(shown[0].source.empty());
    CHECK_FALSE(shown[0].version.has_value());
  }
}

TEST_CASE("watched lists what list does without counts or last events, which last_events reads for given studies",
          "[store][queries]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  testing::ManualClock clock;
  record_status_change(db, clock);
  store::WatchList(db).track(id("NCT00000105"), "cli", "no versions", clock.now());
  store::WatchList(db).track(id("NCT07315503"), "cli", "", clock.now());
  CHECK(store::WatchList(db).untrack(id("NCT07315503")));
  const store::Queries queries(db);
  for (const bool inactive : {false, true}) {
    const auto full = queries.list(inactive);
    const auto light = queries.watched(inactive);
    REQUIRE(full.size() == (inactive ? 3u : 2u));
    REQUIRE(light.size() == full.size());
    for (std::size_t i = 0; i < full.size(); ++i) {
      CHECK(light[i].entry.id == full[i].entry.id);
      CHECK(light[i].entry.note == full[i].entry.note);
      CHECK(light[i].entry.active == full[i].entry.active);
      CHECK(light[i].summary.overall_status == full[i].summary.overall_status);
      CHECK(light[i].state == full[i].state);
      CHECK(light[i].versions == 0);
      CHECK_FALSE(light[i].last_event);
    }
  }
  const auto full = queries.list();
  CHECK(full[0].entry.id == id("NCT00000105"));
  CHECK(full[0].versions == 0);
  CHECK_FALSE(full[0].last_event);
  CHECK(full[1].versions == 1);
  REQUIRE(full[1].last_event);
  CHECK(full[1].last_event->type == core::EventType::status_changed);
  // In the order asked, repeats and studies without events included.
  const auto last = queries.last_events({id("NCT06613490"), id("NCT00000105"), id("NCT06613490")});
  REQUIRE(last.size() == 3);
  REQUIRE(last[0]);
  CHECK(last[0]->id == full[1].last_event->id);
  CHECK(last[0]->summary == "s");
  CHECK_FALSE(last[1]);
  REQUIRE(last[2]);
  CHECK(last[2]->type == core::EventType::status_changed);
  CHECK(queries.last_events({}).empty());
}
