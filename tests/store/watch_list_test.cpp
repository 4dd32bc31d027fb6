// SPDX-License-Identifier: MIT
#include "store/watch_list.hpp"

#include "store/detail/connection.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::WatchList;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

}  // namespace

TEST_CASE("the watch list tracks, untracks and reactivates, keeping the source", "[store][watch_list]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  WatchList watch_list(db);
  testing::ManualClock clock;
  CHECK(watch_list.track(id("NCT06613490"), "config", "", clock.now()));
  CHECK_FALSE(watch_list.track(id("NCT06613490"), "cli", "again", clock.now()));  // already tracked: unchanged
  CHECK(watch_list.track(id("NCT07315503"), "cli", "GC012F", clock.now()));
  REQUIRE(watch_list.entries().size() == 2);
  CHECK(watch_list.size() == 2);
  CHECK(watch_list.entries()[0].source == "config");
  CHECK(watch_list.untrack(id("NCT07315503")));
  CHECK_FALSE(watch_list.untrack(id("NCT07315503")));
  CHECK(watch_list.entries().size() == 1);
  CHECK(watch_list.size() == 1);  // untracked entries are kept, not counted
  CHECK(watch_list.entries(true).size() == 2);
  CHECK(watch_list.track(id("NCT07315503"), "search:car", "", clock.now()));
  CHECK(watch_list.entries()[1].source == "search:car");
}

TEST_CASE("track_exactly makes a list the studies tracked because of a source, in one go", "[store][watch_list]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  WatchList watch_list(db);
  const testing::ManualClock clock;
  watch_list.track(id("NCT00000011"), "cli", "", clock.now());
  watch_list.track(id("NCT00000012"), "cli", "", clock.now());
  REQUIRE(watch_list.untrack(id("NCT00000012")));
  watch_list.track(id("NCT00000014"), "config", "", clock.now());  // an earlier configuration listed it
  watch_list.track(id("NCT00000016"), "config", "", clock.now());
  watch_list.track(id("NCT00000017"), "search:car", "", clock.now());
  // Unsorted, with a duplicate, and IDs before, between and after the stored ones.
  const auto changes =
      watch_list.track_exactly({id("NCT00000019"), id("NCT00000013"), id("NCT00000011"), id("NCT00000012"),
                                id("NCT00000016"), id("NCT00000013"), id("NCT00000001")},
                               "config", clock.now());
  CHECK(changes.tracked ==
        std::vector<core::NctId>{id("NCT00000001"), id("NCT00000012"), id("NCT00000013"), id("NCT00000019")});
  CHECK(changes.untracked == std::vector<core::NctId>{id("NCT00000014")});  // not NCT00000017: another source's
  std::map<std::string, std::string> sources;
  for (const auto& entry : watch_list.entries()) sources[entry.id.str()] = entry.source;
  CHECK(sources == std::map<std::string, std::string>{{"NCT00000001", "config"},
                                                      {"NCT00000011", "cli"},  // already tracked: left as it was
                                                      {"NCT00000012", "config"},
                                                      {"NCT00000013", "config"},
                                                      {"NCT00000016", "config"},
                                                      {"NCT00000017", "search:car"},
                                                      {"NCT00000019", "config"}});
  // The same list again changes nothing.
  const auto again = watch_list.track_exactly({id("NCT00000019"), id("NCT00000013"), id("NCT00000011"),
                                               id("NCT00000012"), id("NCT00000016"), id("NCT00000001")},
                                              "config", clock.now());
  CHECK(again.tracked.empty());
  CHECK(again.untracked.empty());
}

TEST_CASE("the studies tracked without a stored version or state are listed in NCT order", "[store][watch_list]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  WatchList watch_list(db);
  const testing::ManualClock clock;
  for (const char* nct : {"NCT00000003", "NCT00000001", "NCT00000002"})
    watch_list.track(id(nct), "cli", "", clock.now());
  REQUIRE(watch_list.untrack(id("NCT00000002")));
  CHECK(watch_list.tracked_without_version() == std::vector<core::NctId>{id("NCT00000001"), id("NCT00000003")});
}

TEST_CASE("one entry is read by its ID, active or untracked, and nothing for a study never tracked",
          "[store][watch_list]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  WatchList watch_list(db);
  testing::ManualClock clock;
  CHECK(watch_list.track(id("NCT06613490"), "cli", "GC012F", clock.now()));
  CHECK(watch_list.track(id("NCT07315503"), "config", "", clock.now()));
  CHECK(watch_list.untrack(id("NCT07315503")));
  const auto tracked = watch_list.entry(id("NCT06613490"));
  REQUIRE(tracked);
  CHECK(tracked->id == id("NCT06613490"));
  CHECK(tracked->source == "cli");
  CHECK(tracked->note == "GC012F");
  CHECK(tracked->active);
  CHECK(tracked->added_at == watch_list.entries()[0].added_at);
  const auto untracked = watch_list.entry(id("NCT07315503"));
  REQUIRE(untracked);
  CHECK_FALSE(untracked->active);
  CHECK(untracked->source == "config");
  CHECK_FALSE(watch_list.entry(id("NCT00000105")));
}

TEST_CASE("a snapshot reads the database as it was when it began, whatever is written meanwhile",
          "[store][watch_list]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  CAPTURE(testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  testing::ManualClock clock;
  auto writer = Database::open(database.location(), OpenMode::read_write);
  WatchList(writer).track(id("NCT06613490"), "config", "", clock.now());
  auto reader = Database::open(database.location(), OpenMode::read_only);
  auto& engine_of_reader = *reader.impl().engine;

  engine_of_reader.begin_snapshot();
  WatchList(writer).track(id("NCT07315503"), "cli", "", clock.now());  // before the snapshot's first read
  CHECK(WatchList(reader).entries().size() == 1);  // what migrate reads: not the row written meanwhile
  WatchList(writer).track(id("NCT04280705"), "cli", "", clock.now());
  CHECK(WatchList(reader).entries().size() == 1);
  engine_of_reader.rollback();
  CHECK(WatchList(reader).entries().size() == 3);
}
