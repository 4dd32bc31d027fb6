// SPDX-License-Identifier: MIT
// The real trialwatchd and trialwatch on PostgreSQL, beside SQLite: the same scenario writes the same events; one
// daemon writes; read-only roles read; a lost or absent server is a clear, temporary failure that loses nothing.

#include "tests/fakeregistry/faults.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <csignal>
#include <regex>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using trialwatch::store::StoredEvent;
using trialwatch::testing::ChildProcess;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::isolated_env;
using trialwatch::testing::k_scenario_studies;
using trialwatch::testing::k_without_discovery;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;
using trialwatch::testing::TestEngine;
using namespace std::chrono_literals;

namespace {

fr::Scenario scenario() { return fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"); }

// An event without the moment it was detected (wall-clock time, which differs between two runs).
std::string comparable(const StoredEvent& e) {
  return fmt::format("{} {} {} v{} {} {} old={} new={} {} [{}] {}", e.id, e.nct_id,
                     trialwatch::core::event_type_name(e.type), e.version.value_or(0),
                     trialwatch::core::provenance_name(e.provenance), e.path, e.old_json, e.new_json, e.summary,
                     e.source, e.data_timestamp);
}

std::vector<std::string> comparable(const std::vector<StoredEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(comparable(e));
  return out;
}

// Run the car-nk-results days on `f`, each with `trialwatchd --once`, and a reconcile at the end.
void run_days(DaemonFixture& f) {
  for (int day = 0; day < 6; ++day) {
    if (day > 0) REQUIRE(f.registry.registry.advance_day());
    const auto result = f.run_once();
    INFO("day " << day << ": " << result.output);
    REQUIRE(result.exit_code == 0);
  }
  const auto reconciled = f.run_once({"--reconcile"});
  INFO(reconciled.output);
  REQUIRE(reconciled.exit_code == 0);
}

// `text` with every moment trialwatch stamped itself (RFC 3339 UTC, the wall clock of the run) as "TIME".
std::string without_own_times(const std::string& text) {
  static const std::regex stamped(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  return std::regex_replace(text, stamped, "TIME");
}

// Run the CLI on `db` with `args`.
trialwatch::testing::ProcessResult cli(const std::string& db, const std::vector<std::string>& args) {
  return trialwatch::testing::run_cli(db, args);
}

}  // namespace

TEST_CASE("the scenario's days write the same events on SQLite and on PostgreSQL", "[integration][engines]") {
  DaemonFixture on_sqlite(scenario(), k_scenario_studies, k_without_discovery, TestEngine::sqlite);
  DaemonFixture on_postgres(scenario(), k_scenario_studies, k_without_discovery, TestEngine::postgres);
  run_days(on_sqlite);
  run_days(on_postgres);
  const auto expected = comparable(on_sqlite.events());
  REQUIRE(expected.size() >= 12);
  CHECK(comparable(on_postgres.events()) == expected);
  // What people read is the same too.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"list", "--json"},
                                               {"history", "NCT06613490", "--json"},
                                               {"diff", "NCT06613490", "--json"},
                                               {"due", "--json"},
                                               {"events", "--json"},
                                               {"events", "--nct", "NCT06613490", "--type", "results_posted"},
                                               {"export", "--format", "csv"},
                                               {"show", "NCT06613490", "--raw"},
                                               {"show", "NCT06613490", "--version", "2"},
                                               {"related", "--json"},
                                               {"list"}}) {
    const auto from_sqlite = cli(on_sqlite.db_path(), args);
    const auto from_postgres = cli(on_postgres.db_path(), args);
    INFO(args.front() << ": " << from_postgres.output);
    REQUIRE(from_sqlite.exit_code == 0);
    CHECK(from_postgres.exit_code == 0);
    CHECK(without_own_times(from_postgres.output) == without_own_times(from_sqlite.output));
  }
  // The feed's id names the database.
  const auto feed = cli(on_postgres.db_path(), {"feed"});
  CHECK(feed.exit_code == 0);
  CHECK(feed.output.find("<id>urn:trialwatch:postgresql:///test_") != std::string::npos);
  // status names the database and its size, which differ; its verdict does not.
  const auto status = cli(on_postgres.db_path(), {"status"});
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK(status.output.find("postgresql://") != std::string::npos);
}

TEST_CASE("a second trialwatchd on the same PostgreSQL database is refused, naming the first",
          "[integration][engines]") {
  DaemonFixture f(scenario(), k_scenario_studies, k_without_discovery, TestEngine::postgres);
  const auto first = f.start();
  REQUIRE(first->wait_for_output(" using ", 20s));
  const auto second = f.run_once();
  INFO(second.output);
  CHECK(second.exit_code == 74);
  CHECK(second.output.find(fmt::format("PID {}", first->pid())) != std::string::npos);
  CHECK(second.output.find("already written by another trialwatchd") != std::string::npos);
  first->send(SIGTERM);
  REQUIRE(first->wait_for_exit(20s) == 0);
  // The lock went with the first daemon's session.
  const auto after = f.run_once();
  INFO(after.output);
  CHECK(after.exit_code == 0);
}

TEST_CASE("a read-only role reads everything and a write through it fails with one sentence",
          "[integration][engines]") {
  DaemonFixture f(scenario(), k_scenario_studies, k_without_discovery, TestEngine::postgres);
  REQUIRE(f.run_once().exit_code == 0);
  f.database.run_sql(
      "CREATE ROLE analyst LOGIN PASSWORD 'reads-only'; GRANT USAGE ON SCHEMA public TO analyst; "
      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst");
  const auto reader = f.database.uri_as("analyst", "reads-only");
  const auto owner_list = cli(f.db_path(), {"list", "--json"});
  const auto analyst_list = cli(reader, {"list", "--json"});
  REQUIRE(owner_list.exit_code == 0);
  CHECK(analyst_list.exit_code == 0);
  CHECK(analyst_list.output == owner_list.output);
  CHECK(cli(reader, {"events", "--json"}).exit_code == 0);
  // Where the database is named (status, the feed's id), its password is not.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"status"}, {"status", "--json"}, {"feed"}}) {
    const auto named = cli(reader, args);
    INFO(named.output);
    CHECK(named.exit_code == 0);
    CHECK(named.output.find("password=***") != std::string::npos);
    CHECK(named.output.find("reads-only") == std::string::npos);
  }

  const auto write = cli(reader, {"track", "NCT07315503"});
  CHECK(write.exit_code == 78);
  CHECK(write.output.find("refused") != std::string::npos);
  CHECK(write.output.find("reads-only") == std::string::npos);  // the password is never shown
  CHECK(std::count(write.output.begin(), write.output.end(), '\n') == 1);
  CHECK(cli(f.db_path(), {"list", "--json"}).output == owner_list.output);  // nothing was written
}

TEST_CASE("an unreachable PostgreSQL server is one sentence: trialwatchd --once exits 75, trialwatch 69",
          "[integration][engines]") {
  trialwatch::testing::TempDir nowhere;  // a socket folder where no server listens
  const std::string uri = "postgresql:///trialwatch?host=" + nowhere.path().string() + "&user=trialwatch";
  DaemonFixture f(scenario(), k_scenario_studies, k_without_discovery);
  const auto daemon = run_process(f.once_argv_on(uri), isolated_env());
  INFO(daemon.output);
  CHECK(daemon.exit_code == 75);
  CHECK(daemon.output.find("cannot reach the PostgreSQL server") != std::string::npos);
  const auto client = cli(uri, {"list"});
  INFO(client.output);
  CHECK(client.exit_code == 69);
  CHECK(client.output.find("cannot reach the PostgreSQL server") != std::string::npos);
}

TEST_CASE("the server stopped mid-cycle leaves nothing half-written and the service's next cycle converges",
          "[integration][engines]") {
  DaemonFixture reference(scenario(), k_scenario_studies, k_without_discovery, TestEngine::postgres);
  REQUIRE(reference.run_once().exit_code == 0);
  REQUIRE(reference.registry.registry.advance_day());
  REQUIRE(reference.run_once().exit_code == 0);

  DaemonFixture f(scenario(), k_scenario_studies, k_without_discovery, TestEngine::postgres);
  REQUIRE(f.run_once().exit_code == 0);
  const auto baseline = f.events();
  REQUIRE(f.registry.registry.advance_day());
  // The day's full documents arrive late; the database server goes away while the daemon waits for them.
  fr::Fault slow;
  slow.query_contains = trialwatch::testing::k_full_fetch_query;
  slow.kind = fr::Fault::Kind::delay;
  slow.delay_ms = 3000;
  f.registry.registry.add_fault(slow);
  f.registry.registry.clear_requests();
  const auto daemon = f.start();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  auto fetching = [&] {
    for (const auto& request : f.registry.registry.requests())
      if (trialwatch::testing::is_full_fetch(request.query)) return true;
    return false;
  };
  while (!fetching() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  REQUIRE(fetching());
  auto& server = trialwatch::testing::TestDatabase::server();
  server.stop();
  const bool failed = daemon->wait_for_output("next attempt in", 20s);
  INFO(daemon->output());
  REQUIRE(failed);
  server.start();
  // Nothing of the interrupted cycle was written; stopped and run again, the daemon records exactly the day.
  CHECK(comparable(f.events()) == comparable(baseline));
  daemon->send(SIGTERM);
  REQUIRE(daemon->wait_for_exit(20s) == 0);
  INFO(daemon->output());
  CHECK(daemon->output().find("sync failed: cannot reach the PostgreSQL server") != std::string::npos);
  const auto retried = f.run_once();
  INFO(retried.output);
  REQUIRE(retried.exit_code == 0);
  CHECK(comparable(f.events()) == comparable(reference.events()));
}

TEST_CASE("trialwatch serve shows a study's page from PostgreSQL as it does from SQLite", "[integration][engines]") {
  DaemonFixture on_sqlite(scenario(), k_scenario_studies, k_without_discovery, TestEngine::sqlite);
  DaemonFixture on_postgres(scenario(), k_scenario_studies, k_without_discovery, TestEngine::postgres);
  run_days(on_sqlite);
  run_days(on_postgres);
  auto page_from = [](const DaemonFixture& f, const std::string& path) {
    ChildProcess serve({TRIALWATCH_CLI_PATH, "--db", f.db_path(), "serve", "--listen", "127.0.0.1:0"},
                       isolated_env({{"TRIALWATCH_NOW", "2030-01-01T00:00:00Z"}}));
    REQUIRE(serve.wait_for_output("(read-only; Ctrl-C stops)\n", 20s));
    std::smatch match;
    const std::string output = serve.output();
    REQUIRE(std::regex_search(output, match, std::regex(R"(serving http://127\.0\.0\.1:([0-9]+)/)")));
    httplib::Client client("127.0.0.1", std::stoi(match[1].str()));
    const auto response = client.Get(path);
    REQUIRE(response);
    CHECK(response->status == 200);
    serve.send(SIGTERM);
    CHECK(serve.wait_for_exit(20s) == 0);
    return response->body;
  };
  // The pages carry times of detection, which differ between the two runs; their rows and marks do not.
  auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  for (const char* path : {"/study/NCT06613490", "/", "/events"}) {
    INFO(path);
    const auto from_postgres = page_from(on_postgres, path);
    const auto from_sqlite = page_from(on_sqlite, path);
    CHECK(from_postgres.find("NCT06613490") != std::string::npos);
    for (const char* mark : {"<tr", "<li", "<rect", "results_posted", "status_changed"})
      CHECK(count(from_postgres, mark) == count(from_sqlite, mark));
  }
}
