// SPDX-License-Identifier: MIT
#include "report/health.hpp"

#include "core/clock.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch;
using namespace std::chrono_literals;
using report::Health;
using store::RunOutcome;

namespace {

const auto k_now = *core::parse_utc_time("2026-12-03T15:00:00Z");

store::RunRecord run(RunOutcome outcome, std::chrono::seconds started_ago, std::chrono::seconds took = 60s) {
  store::RunRecord record;
  record.outcome = outcome;
  record.started_at = core::format_rfc3339(k_now - started_ago);
  if (outcome != RunOutcome::running) record.finished_at = core::format_rfc3339(k_now - started_ago + took);
  return record;
}

store::StoreStatus with_runs(std::optional<store::RunRecord> last, std::optional<store::RunRecord> last_successful,
                             std::int64_t interval = 1800) {
  store::StoreStatus status;
  status.last_run = std::move(last);
  status.last_successful_run = std::move(last_successful);
  status.check_interval = interval;
  return status;
}

}  // namespace

TEST_CASE("a check within twice the interval is healthy, exit 0", "[cli][health]") {
  const auto ok = run(RunOutcome::ok, 50min);
  const auto verdict = report::judge_health(with_runs(ok, ok), k_now);
  CHECK(verdict.health == Health::ok);
  CHECK(verdict.sentence.empty());
  CHECK(report::exit_code_of(verdict.health) == 0);
}

TEST_CASE("no completed check for twice the interval is late, exit 69, with the hint", "[cli][health]") {
  const auto ok = run(RunOutcome::ok, 3h);
  const auto verdict = report::judge_health(with_runs(ok, ok), k_now);
  CHECK(verdict.health == Health::late);
  CHECK(report::exit_code_of(verdict.health) == 69);
  CHECK_THAT(verdict.sentence, Catch::StartsWith("no check since 2026-12-03T12:01:00Z (2 hours ago)") &&
                                   Catch::Contains("is trialwatchd running? `systemctl status trialwatchd`"));
  // The interval the daemon recorded decides: with checks every 2 hours, 3 hours is on time.
  CHECK(report::judge_health(with_runs(ok, ok, 7200), k_now).health == Health::ok);
}

TEST_CASE("a failed last sync is failing, exit 75, unless the daemon is also late", "[cli][health]") {
  const auto ok = run(RunOutcome::ok, 40min);
  const auto failed = run(RunOutcome::failed, 10min);
  const auto verdict = report::judge_health(with_runs(failed, ok), k_now);
  CHECK(verdict.health == Health::failing);
  CHECK(report::exit_code_of(verdict.health) == 75);
  // The daemon died after a failure: the last word is an old failed sync, which says nothing of now.
  const auto old_ok = run(RunOutcome::ok, 5h);
  const auto old_failed = run(RunOutcome::failed, 4h);
  CHECK(report::judge_health(with_runs(old_failed, old_ok), k_now).health == Health::late);
}

TEST_CASE("a sync still running is a sign of life, a run left running long ago is not", "[cli][health]") {
  const auto first_load = run(RunOutcome::running, 20min);
  CHECK(report::judge_health(with_runs(first_load, std::nullopt), k_now).health == Health::ok);
  const auto abandoned = run(RunOutcome::running, 2h);
  CHECK(report::judge_health(with_runs(abandoned, std::nullopt), k_now).health == Health::late);
}

TEST_CASE("a database that never saw a check is late, and says so", "[cli][health]") {
  const auto verdict = report::judge_health(with_runs(std::nullopt, std::nullopt), k_now);
  CHECK(verdict.health == Health::late);
  CHECK_THAT(verdict.sentence, Catch::StartsWith("no check completed yet"));
  // Without a recorded interval the default 30 minutes holds: 50 minutes is on time, 70 is late.
  auto status = with_runs(run(RunOutcome::ok, 50min), run(RunOutcome::ok, 50min));
  status.check_interval.reset();
  CHECK(report::judge_health(status, k_now).health == Health::ok);
  status.last_run = status.last_successful_run = run(RunOutcome::ok, 70min);
  CHECK(report::judge_health(status, k_now).health == Health::late);
}
