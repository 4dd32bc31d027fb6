// SPDX-License-Identifier: MIT
#include "daemon/schedule.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using trialwatch::daemon::failure_backoff;
using trialwatch::daemon::human_duration;
using trialwatch::daemon::jittered;
using trialwatch::daemon::status_line;
using trialwatch::daemon::StatusFacts;

TEST_CASE("the check interval is jittered by at most 10 percent either way", "[daemon][schedule]") {
  CHECK(jittered(1800s, 0.0) == 1620s);
  CHECK(jittered(1800s, 0.5) == 1800s);
  CHECK(jittered(1800s, 0.999999) == 1980s);
  CHECK(jittered(1s, 0.0) == 1s);  // never zero: no tight loop
}

TEST_CASE("failed cycles back off from one minute, doubling, capped by the check interval", "[daemon][schedule]") {
  struct Row {
    int failures;
    std::chrono::seconds interval;
    double unit;
    std::chrono::seconds expected;
  };
  const Row rows[] = {
      {1, 1800s, 0.999999, 60s},
      {2, 1800s, 0.999999, 120s},
      {3, 1800s, 0.999999, 240s},
      {6, 1800s, 0.999999, 1800s},   // 32 min capped at the interval
      {1, 1800s, 0.0, 30s},          // jitter scales down to half
      {40, 1800s, 0.999999, 1800s},  // no overflow after many failures
      {1, 5s, 0.0, 3s},              // a short test interval caps the backoff too (2.5 s rounds to 3)
      {1, 1s, 0.0, 1s},              // never below one second
  };
  for (const auto& row : rows) {
    INFO(row.failures << " failures, interval " << row.interval.count() << " s, unit " << row.unit);
    CHECK(failure_backoff(row.failures, row.interval, row.unit) == row.expected);
  }
}

TEST_CASE("durations read as people say them", "[daemon][schedule]") {
  CHECK(human_duration(45s) == "45s");
  CHECK(human_duration(240s) == "4m");
  CHECK(human_duration(7500s) == "2h 5m");
  CHECK(human_duration(3600s) == "1h");
  CHECK(human_duration(273600s) == "3d 4h");
}

TEST_CASE("the status line says what is tracked, how the last sync went and when the next check is",
          "[daemon][schedule]") {
  StatusFacts facts;
  facts.tracked = 37;
  trialwatch::store::RunRecord run;
  run.started_at = "2026-11-24T09:12:03Z";
  run.outcome = trialwatch::store::RunOutcome::ok;
  run.events = 2;
  run.changed = 1;
  facts.last_run = run;
  facts.next_check = "09:42 UTC";
  CHECK(status_line(facts) ==
        "Tracking 37 studies; last sync 09:12 UTC OK (2 events, 1 changed); next check 09:42 UTC");

  facts.last_run->outcome = trialwatch::store::RunOutcome::unchanged;
  CHECK(status_line(facts) ==
        "Tracking 37 studies; last check 09:12 UTC (registry not refreshed); next check 09:42 UTC");

  facts.tracked = 1;
  facts.failure = "cannot reach clinicaltrials.gov";
  facts.retry_in = 240s;
  CHECK(status_line(facts) == "Backing off: cannot reach clinicaltrials.gov; retry in 4m; tracking 1 study");
}

TEST_CASE("after a partial sync the status line says how many studies were skipped", "[daemon][schedule]") {
  StatusFacts facts;
  facts.tracked = 4;
  trialwatch::store::RunRecord run;
  run.started_at = "2026-11-24T09:12:03Z";
  run.outcome = trialwatch::store::RunOutcome::partial;
  run.events = 2;
  run.changed = 1;
  facts.last_run = run;
  facts.skipped = 1;
  facts.next_check = "09:42 UTC";
  CHECK(status_line(facts) ==
        "Tracking 4 studies; last sync 09:12 UTC skipped 1 study (2 events, 1 changed); next check 09:42 UTC");
}
