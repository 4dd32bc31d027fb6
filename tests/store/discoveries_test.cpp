// SPDX-License-Identifier: MIT
#include "store/discoveries.hpp"

#include "store/queries.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch;
using store::Database;
using store::Discoveries;
using store::FoundStudy;
using store::OpenMode;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

FoundStudy found(const char* nct, core::EventType type, std::string event_id) {
  FoundStudy study{id(nct), true, {}, std::move(event_id), {"lab"}, "A title", 7, {"shares condition X", "both DRUG"}};
  study.event = core::ChangeEvent{type, core::Provenance::tracking, {}, {}, "\"x\"", "found"};
  return study;
}

// A fresh database of `engine` with the views discovery and its tests write through.
struct Fixture {
  explicit Fixture(testing::TestEngine engine) : database(engine) {}
  testing::TestDatabase database;
  Database db = Database::open(database.location(), OpenMode::read_write);
  Discoveries discoveries{db};
  store::WatchList watch_list{db};
  store::Versions versions{db};
};

}  // namespace

TEST_CASE("a completed search tracks what it found, with its events and outbox rows, and moves its window",
          "[store][discovery]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  Fixture f(engine);
  auto& [database, db, discoveries, watch_list, versions] = f;
  const testing::ManualClock clock;
  watch_list.track(id("NCT00000002"), "cli", "", clock.now());
  REQUIRE_FALSE(discoveries.search("s"));

  const store::SearchState state{"s", "query.cond=x\n", "", "2026-08-20", "", ""};
  const auto stored = discoveries.complete_search(
      state,
      {found("NCT00000001", core::EventType::search_matched, "e1"),
       found("NCT00000002", core::EventType::search_matched, "e2")},  // tracked already: left as it is
      "2026-08-20T09:00:05", clock.now());
  CHECK(stored == std::vector<bool>{true, false});
  const auto remembered = discoveries.search("s");
  REQUIRE(remembered);
  CHECK(remembered->completed_data_timestamp == "2026-08-20T09:00:05");
  CHECK(remembered->window_date == "2026-08-20");
  CHECK(discoveries.listed_from("search:s") == 1);
  CHECK(discoveries.listed() == std::set<std::string>{"NCT00000001", "NCT00000002"});
  const auto events = store::Queries(db).events({});
  REQUIRE(events.size() == 1);
  CHECK(events[0].source == "search:s");
  CHECK(events[0].version == std::nullopt);
  CHECK(store::Queries(db).status().notifications.pending == 1);

  SECTION("a rejected run keeps the window and records the error") {
    discoveries.reject_search("s", "query.cond=x\n", "Unknown area name", "2026-08-21T09:00:05");
    const auto rejected = discoveries.search("s");
    CHECK(rejected->window_date == "2026-08-20");
    CHECK(rejected->completed_data_timestamp == "2026-08-21T09:00:05");
    CHECK(rejected->last_error == "Unknown area name");
  }
  SECTION("a rejected run of another query forgets the old window") {
    discoveries.reject_search("s", "query.cond=y\n", "Unknown area name", "2026-08-21T09:00:05");
    CHECK(discoveries.search("s")->window_date.empty());
  }
  SECTION("an untracked study is not tracked again by a later run") {
    REQUIRE(watch_list.untrack(id("NCT00000001")));
    discoveries.complete_search(state, {found("NCT00000001", core::EventType::search_matched, "e3")},
                                "2026-08-21T09:00:05", clock.now());
    CHECK(watch_list.entries().size() == 1);
  }
}

TEST_CASE("a related trial is suggested once, with its reasons, tracked only when asked", "[store][discovery]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  Fixture f(engine);
  auto& [database, db, discoveries, watch_list, versions] = f;
  const testing::ManualClock clock;
  const auto subject = id("NCT06613490");
  auto suggested = found("NCT07315503", core::EventType::related_found, "r1");
  suggested.track = false;
  auto tracked = found("NCT09900002", core::EventType::related_found, "r2");
  tracked.score = 13;

  CHECK(discoveries.complete_discovery(subject, {suggested, tracked}, "t", clock.now()) ==
        std::vector<bool>{true, true});
  CHECK(discoveries.discovered_at(subject) == core::format_rfc3339(clock.now()));
  CHECK(discoveries.suggested(subject) == std::set<std::string>{"NCT07315503", "NCT09900002"});
  CHECK(discoveries.listed() == std::set<std::string>{"NCT09900002"});
  // The same findings again store nothing new.
  CHECK(discoveries.complete_discovery(subject, {suggested, tracked}, "t", clock.now()) ==
        std::vector<bool>{false, false});

  const auto rows = store::Queries(db).related(subject);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].nct_id == "NCT09900002");  // best first
  CHECK(rows[0].tracked);
  CHECK(rows[1].nct_id == "NCT07315503");
  CHECK_FALSE(rows[1].tracked);
  CHECK(rows[1].reasons == std::vector<std::string>{"shares condition X", "both DRUG"});
  CHECK(store::Queries(db).related(id("NCT00000001")).empty());
}

TEST_CASE("the subjects due for discovery are the stored, explicitly tracked ones, longest waiting first",
          "[store][discovery]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  Fixture f(engine);
  auto& [database, db, discoveries, watch_list, versions] = f;
  testing::ManualClock clock;
  for (const char* nct : {"NCT00000001", "NCT00000002", "NCT00000003", "NCT00000004"}) {
    watch_list.track(id(nct), std::string(nct) == "NCT00000004" ? "search:s" : "cli", "", clock.now());
    store::NewVersion v{id(nct), "{}", std::string("h") + nct, {}, "t", clock.now(), {}, {}, {}, {}, {}};
    if (std::string(nct) != "NCT00000003") versions.record_version(v);  // 3 has no stored version yet
  }
  discoveries.complete_discovery(id("NCT00000001"), {}, "t", clock.now());
  clock.advance(std::chrono::hours(1));
  // 2 was never looked at; 1 was, an hour ago; 3 has no version; 4 was found by a search.
  CHECK(discoveries.due_subjects(clock.now() - std::chrono::hours(2), 10) ==
        std::vector<core::NctId>{id("NCT00000002")});
  CHECK(discoveries.due_subjects(clock.now() - std::chrono::minutes(30), 10) ==
        std::vector<core::NctId>{id("NCT00000002"), id("NCT00000001")});
  CHECK(discoveries.due_subjects(clock.now() - std::chrono::minutes(30), 1) ==
        std::vector<core::NctId>{id("NCT00000002")});
  CHECK(discoveries.count_due_subjects(clock.now() - std::chrono::minutes(30)) == 2);
  REQUIRE(watch_list.untrack(id("NCT00000002")));
  CHECK(discoveries.count_due_subjects(clock.now() - std::chrono::minutes(30)) == 1);
}
