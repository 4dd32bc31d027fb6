// SPDX-License-Identifier: MIT
#include "store/runs.hpp"

#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::Runs;

TEST_CASE("runs and the completed-cycle watermark are recorded", "[store][runs]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  Runs runs(db);
  CHECK_FALSE(runs.completed_data_timestamp().has_value());
  CHECK_FALSE(runs.last().has_value());
  const auto run = runs.begin(testing::ManualClock().now());
  CHECK(runs.last()->outcome == "running");
  store::RunRecord record;
  record.id = run;
  record.finished_at = "2026-11-24T12:00:05Z";
  record.outcome = "ok";
  record.requests = 3;
  record.events = 2;
  runs.finish(record);
  CHECK(runs.last()->outcome == "ok");
  CHECK(runs.last()->requests == 3);
  runs.set_completed_data_timestamp("2026-09-01T09:00:05");
  CHECK(runs.completed_data_timestamp() == "2026-09-01T09:00:05");
  CHECK_FALSE(runs.last_reconcile().has_value());
  runs.set_last_reconcile(testing::ManualClock().now());
  CHECK(runs.last_reconcile() == core::format_rfc3339(testing::ManualClock().now()));
}
