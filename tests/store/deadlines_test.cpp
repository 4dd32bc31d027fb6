// SPDX-License-Identifier: MIT
#include "store/deadlines.hpp"

#include "store/outbox.hpp"
#include "store/queries.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace trialwatch;
using store::Database;
using store::Deadlines;
using store::DueDates;
using store::OpenMode;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

// Store version `n` of `nct` (its bytes name the number, so each is a new version).
void store_version(Database& db, const char* nct, int n) {
  store::NewVersion version{id(nct),
                            fmt::format(R"({{"n":{}}})", n),
                            fmt::format("hash{}", n),
                            {},
                            "2026-09-01T09:00:05",
                            testing::ManualClock().now(),
                            {},
                            {},
                            {},
                            {},
                            std::nullopt};
  REQUIRE(store::Versions(db).record_version(version) == n);
}

DueDates dates(const char* nct, int version, const std::string& completion) {
  DueDates due(id(nct), version);
  due.facts.completion = {completion, "ACTUAL"};
  due.facts.overall_status = "COMPLETED";
  return due;
}

store::DeadlineEvent overdue(const char* nct, const std::string& due_date) {
  return store::DeadlineEvent{id(nct),
                              core::ChangeEvent{core::EventType::results_overdue, core::Provenance::deadline, "",
                                                "\"" + due_date + "\"", "4", "Results are 4 days overdue"},
                              std::string(nct) + "-" + due_date,
                              1,
                              {"lab"},
                              "config"};
}

}  // namespace

TEST_CASE("due dates are stale until read from a study's latest version, and only tracked studies count",
          "[store][due]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  const testing::ManualClock clock;
  store::WatchList watch_list(db);
  for (const char* nct : {"NCT06613490", "NCT04280705", "NCT00763412"})
    watch_list.track(id(nct), "config", "", clock.now());
  store_version(db, "NCT06613490", 1);
  store_version(db, "NCT04280705", 1);  // NCT00763412 has no version yet: nothing to read
  Deadlines deadlines(db);
  auto stale = deadlines.stale(10);
  REQUIRE(stale.size() == 2);
  CHECK(stale[0].id.str() == "NCT04280705");
  CHECK(stale[1].id.str() == "NCT06613490");
  CHECK(deadlines.stale(1).size() == 1);
  CHECK(deadlines.tracked().empty());

  deadlines.record({dates("NCT04280705", 1, "2020-05-21"), dates("NCT06613490", 1, "2026-08-28")});
  CHECK(deadlines.stale(10).empty());
  const auto tracked = deadlines.tracked();
  REQUIRE(tracked.size() == 2);
  CHECK(tracked[1].facts == dates("NCT06613490", 1, "2026-08-28").facts);
  CHECK(tracked[1].source == "config");

  store_version(db, "NCT06613490", 2);  // a new version: its dates must be read again
  stale = deadlines.stale(10);
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].version == 2);
  deadlines.record({dates("NCT06613490", 2, "2026-09-30")});
  CHECK(deadlines.tracked()[1].facts.completion.date == "2026-09-30");

  watch_list.untrack(id("NCT04280705"));
  CHECK(deadlines.tracked().size() == 1);
}

TEST_CASE("a deadline event is recorded once per id, with its deliveries", "[store][due]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  const testing::ManualClock clock;
  store::WatchList(db).track(id("NCT06613490"), "config", "", clock.now());
  store_version(db, "NCT06613490", 1);
  Deadlines deadlines(db);
  CHECK(deadlines.record_events({overdue("NCT06613490", "2027-08-28")}, "2027-09-01T09:00:00", clock.now()) ==
        std::vector<std::size_t>{0});
  // Again, and with a second due date: only the new one is recorded.
  CHECK(deadlines.record_events({overdue("NCT06613490", "2027-08-28"), overdue("NCT06613490", "2029-07-01")},
                                "2029-07-03T09:00:00", clock.now()) == std::vector<std::size_t>{1});
  const auto events = store::Queries(db).events({});
  REQUIRE(events.size() == 2);
  for (const auto& event : events) {
    CHECK(event.type == core::EventType::results_overdue);
    CHECK(event.provenance == core::Provenance::deadline);
    CHECK(event.source == "config");
  }
  CHECK(store::count_deliveries(db).pending == 2);
}
