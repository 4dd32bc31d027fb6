// SPDX-License-Identifier: MIT
#include "store/runs.hpp"

#include "store/queries.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::Runs;

TEST_CASE("runs and the completed-cycle watermark are recorded", "[store][runs]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Runs runs(db);
  CHECK_FALSE(runs.completed_data_timestamp().has_value());
  CHECK_FALSE(runs.last().has_value());
  const auto run = runs.begin(testing::ManualClock().now());
  CHECK(runs.last()->outcome == store::RunOutcome::running);
  store::RunRecord record;
  record.id = run;
  record.finished_at = "2026-11-24T12:00:05Z";
  record.outcome = store::RunOutcome::ok;
  record.requests = 3;
  record.events = 2;
  runs.finish(record);
  CHECK(runs.last()->outcome == store::RunOutcome::ok);
  CHECK(runs.last()->requests == 3);
  runs.set_completed_data_timestamp("2026-09-01T09:00:05");
  CHECK(runs.completed_data_timestamp() == "2026-09-01T09:00:05");
  CHECK_FALSE(runs.last_reconcile().has_value());
  runs.set_last_reconcile(testing::ManualClock().now());
  CHECK(runs.last_reconcile() == core::format_rfc3339(testing::ManualClock().now()));
}

TEST_CASE("each run outcome is stored as its name and read back from it", "[store][runs]") {
  using store::RunOutcome;
  for (const auto outcome :
       {RunOutcome::running, RunOutcome::ok, RunOutcome::unchanged, RunOutcome::partial, RunOutcome::failed})
    CHECK(store::parse_run_outcome(store::run_outcome_name(outcome)) == outcome);
  CHECK(store::run_outcome_name(RunOutcome::unchanged) == "unchanged");
  CHECK_FALSE(store::parse_run_outcome("").has_value());
}

TEST_CASE("a running sync's counters and the daemon's schedule are visible to a reader", "[store][runs]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Runs runs(db);
  const testing::ManualClock clock;
  store::RunRecord record;
  record.id = runs.begin(clock.now());
  record.checked = 10000;
  record.fetched = 2000;
  record.changed = 1999;
  record.events = 2001;
  runs.progress(record);
  runs.set_schedule(clock.now() + std::chrono::minutes(30), std::chrono::minutes(30));

  auto reader = Database::open(database.location(), OpenMode::read_only);
  const auto status = store::Queries(reader).status();
  REQUIRE(status.last_run.has_value());
  CHECK(status.last_run->outcome == store::RunOutcome::running);
  CHECK(status.last_run->checked == 10000);
  CHECK(status.last_run->fetched == 2000);
  CHECK(status.last_run->changed == 1999);
  CHECK(status.last_run->events == 2001);
  CHECK(status.next_check_at == core::format_rfc3339(clock.now() + std::chrono::minutes(30)));
  CHECK(status.check_interval == 1800);
}
