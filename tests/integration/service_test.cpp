// SPDX-License-Identifier: MIT
// trialwatchd as a long-running service, the real binary as a child: sd_notify, the watch-list poll, SIGHUP and
// SIGTERM, against the fake registry over loopback.

#include "store/event_json.hpp"
#include "tests/fakeregistry/json.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/notify_socket.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <sstream>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using namespace std::chrono_literals;
using trialwatch::core::EventType;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::NotifySocket;
using trialwatch::testing::test_data_dir;

namespace {

fr::Scenario car_nk() { return fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"); }

// The sync settings of these tests: a check interval long enough that every cycle after the first is caused by
// the test (a poll, a reload), and a short watch-list poll.
const std::string k_quiet_sync = "check_interval = \"1h\"\nwatchlist_poll = \"1s\"\n";

bool tracked_event_for(const DaemonFixture& f, const std::string& nct_id) {
  for (const auto& event : f.events())
    if (event.nct_id == nct_id && event.type == EventType::study_tracked) return true;
  return false;
}

// Wait up to `timeout` for the study_tracked event of `nct_id`.
bool wait_for_tracked(const DaemonFixture& f, const std::string& nct_id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!tracked_event_for(f, nct_id)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

}  // namespace

TEST_CASE("READY comes once the database is open, before the first sync, then STATUS and WATCHDOG follow",
          "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490"});
  f.write_config({"NCT06613490"}, "", k_quiet_sync);
  // The registry answers the first /version only after a while: READY must not wait for it.
  f.registry.registry.add_fault(
      fr::Fault{.path = "^/api/v2/version$", .times = 1, .kind = fr::Fault::Kind::delay, .delay_ms = 2000});
  NotifySocket notify(f.dir.path() / "notify.sock");
  auto daemon = f.start({{"NOTIFY_SOCKET", notify.path().string()}, {"WATCHDOG_USEC", "400000"}});

  const auto ready = notify.wait_for("READY=1", 10s);
  INFO(daemon->output());
  REQUIRE(ready.has_value());
  CHECK(notify.received().size() == 1);  // READY is the first message
  {
    auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
    CHECK(db.schema_version() == trialwatch::store::Database::latest_schema_version());
    const trialwatch::store::Versions versions(db);
    CHECK_FALSE(versions.study(*trialwatch::core::NctId::parse("NCT06613490")).has_value());  // not synced yet
  }
  const auto status = notify.wait_for("last sync", 20s);
  REQUIRE(status.has_value());
  // Two events: the baseline, and the related trial NCT07315503 suggested for it (related.mode is "suggest").
  CHECK_THAT(*status, Catch::Contains("STATUS=Tracking 1 study; last sync") && Catch::Contains("OK (2 events") &&
                          Catch::Contains("next check"));
  CHECK(notify.wait_for("WATCHDOG=1", 5s).has_value());
  CHECK(notify.wait_for("WATCHDOG=1", 5s).has_value());  // again: it keeps pinging while it waits

  daemon->send(SIGTERM);
  CHECK(daemon->wait_for_exit(5s) == 0);
  CHECK(notify.wait_for("STOPPING=1", 1s).has_value());
}

TEST_CASE("a study tracked while the daemon waits is fetched without a restart", "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490"});
  f.write_config({"NCT06613490"}, "", k_quiet_sync);
  NotifySocket notify(f.dir.path() / "notify.sock");
  auto daemon = f.start({{"NOTIFY_SOCKET", notify.path().string()}});
  REQUIRE(notify.wait_for("last sync", 20s).has_value());
  const auto versions_before = f.registry.registry.requests().size();
  {
    auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_write);
    trialwatch::store::WatchList watch_list(db);
    REQUIRE(watch_list.track(*trialwatch::core::NctId::parse("NCT04280705"), "cli", "",
                             trialwatch::core::SystemClock{}.now()));
  }
  INFO(daemon->output());
  CHECK(wait_for_tracked(f, "NCT04280705", 20s));
  CHECK(f.registry.registry.requests().size() > versions_before);
  CHECK(daemon->wait_for_exit(0ms) == std::nullopt);  // the same process did it
  daemon->send(SIGTERM);
  CHECK(daemon->wait_for_exit(5s) == 0);
}

TEST_CASE("SIGHUP reloads the configuration and a broken file keeps the old one running", "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490"});
  f.write_config({"NCT06613490"}, "", k_quiet_sync);
  NotifySocket notify(f.dir.path() / "notify.sock");
  auto daemon = f.start({{"NOTIFY_SOCKET", notify.path().string()}});
  REQUIRE(notify.wait_for("last sync", 20s).has_value());

  f.write_config({"NCT06613490", "NCT00763412"}, "", k_quiet_sync);
  daemon->send(SIGHUP);
  const auto reloading = notify.wait_for("RELOADING=1", 10s);
  REQUIRE(reloading.has_value());
  CHECK_THAT(*reloading, Catch::Contains("MONOTONIC_USEC="));
  CHECK(notify.wait_for("READY=1", 10s).has_value());
  INFO(daemon->output());
  CHECK(wait_for_tracked(f, "NCT00763412", 20s));
  REQUIRE(notify.wait_for("last sync", 20s).has_value());

  {
    std::ofstream broken(f.config_path(), std::ios::trunc);
    broken << "[sync]\ncheck_interval = \"1h\"\nchek_interval = \"2h\"\n";
  }
  daemon->send(SIGHUP);
  REQUIRE(notify.wait_for("RELOADING=1", 10s).has_value());
  CHECK(notify.wait_for("READY=1", 10s).has_value());  // also after a failed reload, or `systemctl reload` hangs
  CHECK(daemon->wait_for_output("reload failed, keeping the previous configuration: " + f.config_path() + ":3:", 10s));
  CHECK(daemon->wait_for_exit(500ms) == std::nullopt);  // still running
  daemon->send(SIGTERM);
  CHECK(daemon->wait_for_exit(5s) == 0);
  // The old configuration stayed: both studies are still tracked from it.
  auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
  CHECK(trialwatch::store::WatchList(db).entries().size() == 2);
}

TEST_CASE("SIGTERM in the middle of a slow transfer exits 0 within 5 s and leaves nothing half-written",
          "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490", "NCT04280705"});
  f.write_config({"NCT06613490", "NCT04280705"}, "", k_quiet_sync);
  // The page of full documents trickles in: 64 bytes every 200 ms would take minutes.
  f.registry.registry.add_fault(fr::Fault{.path = "^/api/v2/studies$",
                                          .query_contains = trialwatch::testing::k_full_fetch_query,
                                          .times = -1,
                                          .kind = fr::Fault::Kind::drip,
                                          .drip_bytes = 64,
                                          .drip_interval_ms = 200});
  auto daemon = f.start();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  auto full_fetch_started = [&] {
    for (const auto& request : f.registry.registry.requests())
      if (trialwatch::testing::is_full_fetch(request.query)) return true;
    return false;
  };
  while (!full_fetch_started() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  REQUIRE(full_fetch_started());
  std::this_thread::sleep_for(500ms);  // well inside the transfer

  daemon->send(SIGTERM);
  const auto exit_code = daemon->wait_for_exit(5s);
  INFO(daemon->output());
  CHECK(exit_code == 0);
  CHECK(trialwatch::testing::integrity_of(f.db_path()) == "ok");
  CHECK(f.events().empty());  // the interrupted cycle stored nothing, so it recorded no event
  auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
  const trialwatch::store::Runs runs(db);
  REQUIRE(runs.last().has_value());
  CHECK(runs.last()->outcome == trialwatch::store::RunOutcome::failed);
  CHECK_FALSE(runs.completed_data_timestamp().has_value());  // no watermark moved
}

TEST_CASE("every committed event is appended to the JSON Lines event log", "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490", "NCT04280705"});
  const auto log_path = f.dir.path() / "events.jsonl";
  f.write_config({"NCT06613490", "NCT04280705"}, "[log]\nevent_file = \"" + log_path.string() + "\"\n");
  REQUIRE(f.run_once().exit_code == 0);
  REQUIRE(f.registry.registry.advance_day());
  REQUIRE(f.run_once().exit_code == 0);

  const auto events = f.events();
  // Two baselines, a related-trial suggestion for each, then the status change with its last update.
  REQUIRE(events.size() == 6);
  CHECK(std::count_if(events.begin(), events.end(),
                      [](const auto& e) { return e.type == trialwatch::core::EventType::related_found; }) == 2);
  std::ifstream log(log_path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  REQUIRE(lines.size() == events.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto parsed = fr::Json::parse(lines[i]);  // each line is one JSON object
    CHECK(parsed.find("id")->text() == events[i].id);
    CHECK(lines[i] == trialwatch::store::event_json(events[i]));
  }
}

TEST_CASE("a broken [log] table stops the service with exit 78 and file:line", "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490"});
  f.write_config({"NCT06613490"}, "[log]\nlevel = \"loud\"\n");
  auto daemon = f.start();
  const auto exit_code = daemon->wait_for_exit(10s);
  INFO(daemon->output());
  CHECK(exit_code == 78);
  CHECK_THAT(daemon->output(), Catch::Contains(f.config_path() + ":5: log.level must be"));
}

TEST_CASE("diagnostics carry syslog priority prefixes when stderr is the journal, and none otherwise",
          "[integration][service]") {
  DaemonFixture f(car_nk(), {"NCT06613490"});
  f.write_config({"NCT06613490"}, "", k_quiet_sync);
  NotifySocket notify(f.dir.path() / "notify.sock");
  const bool journal = GENERATE(true, false);
  auto daemon =
      f.start({{"NOTIFY_SOCKET", notify.path().string()}}, journal ? trialwatch::testing::ChildProcess::Stderr::journal
                                                                   : trialwatch::testing::ChildProcess::Stderr::plain);
  REQUIRE(notify.wait_for("last sync", 20s).has_value());
  daemon->send(SIGTERM);
  REQUIRE(daemon->wait_for_exit(5s) == 0);
  const auto output = daemon->output();
  INFO(output);
  std::istringstream lines(output);
  int counted = 0;
  for (std::string line; std::getline(lines, line); ++counted) {
    if (journal)
      CHECK((line.rfind("<6>", 0) == 0 || line.rfind("<4>", 0) == 0 || line.rfind("<3>", 0) == 0));
    else
      CHECK(line.front() != '<');
  }
  CHECK(counted >= 3);  // started, tracking, the event, stopping
  CHECK_THAT(output, Catch::Contains(std::string(journal ? "<6>" : "") + "NCT06613490 study_tracked (version 1)"));
}
