// SPDX-License-Identifier: MIT
// The real trialwatch against a streaming hot-standby replica of the PostgreSQL server trialwatchd writes: reads give
// what the primary gives, and writes through the replica fail with one sentence instead of hanging.

#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::isolated_env;
using trialwatch::testing::k_scenario_studies;
using trialwatch::testing::k_without_discovery;
using trialwatch::testing::PostgresServer;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;
using namespace std::chrono_literals;

namespace {

// A fixed "now", so that what the CLI derives from the clock is the same on both servers.
const std::map<std::string, std::string> k_fixed_now{{"TRIALWATCH_NOW", "2030-01-01T00:00:00Z"}};

// Run `trialwatchd --once` of `f` on the database `db` instead of the fixture's own, with `extra` arguments.
ProcessResult run_once_on(const DaemonFixture& f, const std::string& db, const std::vector<std::string>& extra = {}) {
  auto argv = f.once_argv_on(db);
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv, isolated_env());
}

// Run the CLI on `db` with `args`.
ProcessResult cli(const std::string& db, const std::vector<std::string>& args) {
  return trialwatch::testing::run_cli(db, args, k_fixed_now);
}

// Wait up to `timeout` until `replica` has replayed everything `primary` has written so far; return whether it has.
bool replayed(const PostgresServer& replica, const PostgresServer& primary, std::chrono::seconds timeout) {
  const auto written = primary.query("SELECT pg_current_wal_lsn()");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string sql = "SELECT coalesce(pg_last_wal_replay_lsn() >= '" + written + "'::pg_lsn, false)";
  while (replica.query(sql) != "t") {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace

TEST_CASE("a streaming read replica answers every read as the primary does and refuses writes with one sentence",
          "[integration][engines][replica]") {
  PostgresServer primary;
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), k_scenario_studies,
                  k_without_discovery);
  for (int day = 0; day < 6; ++day) {
    if (day > 0) REQUIRE(f.registry.registry.advance_day());
    const auto result = run_once_on(f, primary.uri());
    INFO("day " << day << ": " << result.output);
    REQUIRE(result.exit_code == 0);
  }
  const auto replica = PostgresServer::replica_of(primary);
  REQUIRE(replica->query("SELECT pg_is_in_recovery()") == "t");
  // A day after the base backup: the replica must stream it, not just have copied it.
  const auto reconciled = run_once_on(f, primary.uri(), {"--reconcile"});
  INFO(reconciled.output);
  REQUIRE(reconciled.exit_code == 0);
  REQUIRE(replayed(*replica, primary, 30s));

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"list", "--json"}, {"events", "--json"}, {"history", "NCT06613490", "--json"}}) {
    const auto from_primary = cli(primary.uri(), args);
    const auto from_replica = cli(replica->uri(), args);
    INFO(args.front() << " on the replica: " << from_replica.output);
    REQUIRE(from_primary.exit_code == 0);
    CHECK(from_primary.output.find("NCT06613490") != std::string::npos);
    CHECK(from_replica.exit_code == 0);
    CHECK(from_replica.output == from_primary.output);
  }

  const auto listed = cli(primary.uri(), {"list", "--json"});
  const auto write = cli(replica->uri(), {"track", "NCT07315503"});
  INFO("track on the replica: " << write.output);
  CHECK(write.exit_code == 78);
  CHECK(write.output.find("refused a statement") != std::string::npos);
  CHECK(write.output.find("on the primary server") != std::string::npos);
  CHECK(std::count(write.output.begin(), write.output.end(), '\n') == 1);

  const auto started = std::chrono::steady_clock::now();
  const auto daemon = run_once_on(f, replica->uri());
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("trialwatchd --once on the replica: " << daemon.output);
  CHECK(daemon.exit_code == 78);
  CHECK(daemon.output.find("refused a statement") != std::string::npos);
  CHECK(daemon.output.find("on the primary server") != std::string::npos);
  CHECK(std::count(daemon.output.begin(), daemon.output.end(), '\n') == 1);
  CHECK(took < 20s);

  // Nothing was written anywhere: the primary lists what it listed, and the replica still follows it.
  REQUIRE(replayed(*replica, primary, 30s));
  CHECK(cli(primary.uri(), {"list", "--json"}).output == listed.output);
  CHECK(cli(replica->uri(), {"list", "--json"}).output == listed.output);
}
