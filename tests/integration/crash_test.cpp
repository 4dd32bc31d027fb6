// SPDX-License-Identifier: MIT
// Crash consistency (issue #9): a multi-day scenario is synced by `trialwatchd --once` runs that are killed —
// with SIGKILL at a random moment, or at a named crash point (core::CrashPoints: before/after each commit, before
// the watermark, between sending a notification and marking it) — and restarted until each day completes. The
// result must equal an uninterrupted run: PRAGMA integrity_check ok after every kill, the same events (none lost,
// none duplicated), and every due notification delivered at least once, duplicates with the same event id.
// TRIALWATCH_CRASH_KILLS sets the number of kills (default 50; scripts/crashtest --kills N), TRIALWATCH_CRASH_SEED
// the random seed (printed, so a failure can be replayed).

#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::ChildProcess;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::k_without_discovery;
using trialwatch::testing::test_data_dir;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> k_tracked{"NCT06613490", "NCT04280705", "NCT00763412", "NCT02552212", "NCT03064438"};
const std::vector<std::string> k_crash_points{"before_commit", "after_commit", "before_watermark", "after_send"};

std::size_t setting(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::stoull(value) : fallback;
}

// A fixture whose daemon notifies an exec channel that appends each event id it is given to a file.
struct Notified {
  Notified() : f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), k_tracked) {
    const auto script = f.dir.path() / "receive.sh";
    std::ofstream(script) << "#!/bin/sh\necho \"$TRIALWATCH_EVENT_ID\" >> '" << received().string() << "'\n";
    f.write_config(k_tracked, k_without_discovery +
                                  "[[notify]]\nname = \"lab\"\ntype = \"exec\"\ncommand = "
                                  "[\"/bin/sh\", \"" +
                                  script.string() +
                                  "\"]\nevents = [\"status_changed\", \"dates_changed\", \"last_updated\", "
                                  "\"results_submitted\", \"results_posted\", \"study_reprocessed\"]\n");
  }
  std::filesystem::path received() const { return f.dir.path() / "received.log"; }
  std::vector<std::string> deliveries() const {
    std::vector<std::string> ids;
    std::ifstream in(received());
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) ids.push_back(line);
    return ids;
  }
  std::set<std::string> event_ids() const {
    std::set<std::string> ids;
    for (const auto& e : f.events()) ids.insert(e.id);
    return ids;
  }
  DaemonFixture f;
};

}  // namespace

TEST_CASE("killed at random moments and at every crash point, the daemon loses and duplicates nothing",
          "[integration][crash]") {
  const std::size_t kills_wanted = setting("TRIALWATCH_CRASH_KILLS", 50);
  const auto seed = setting("TRIALWATCH_CRASH_SEED", std::random_device{}());
  WARN("TRIALWATCH_CRASH_SEED=" << seed);
  std::mt19937_64 random(seed);

  // The uninterrupted run, and how long each day's cycle takes (a random kill lands inside that span).
  Notified reference;
  std::vector<int> day_ms;
  do {
    const auto start = Clock::now();
    const auto result = reference.f.run_once();
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    day_ms.push_back(static_cast<int>(std::chrono::duration<double, std::milli>(Clock::now() - start).count()));
  } while (reference.f.registry.registry.advance_day());
  const auto expected_events = reference.event_ids();
  const auto expected_deliveries = reference.deliveries();
  REQUIRE(std::set<std::string>(expected_deliveries.begin(), expected_deliveries.end()).size() ==
          expected_deliveries.size());
  REQUIRE(expected_deliveries.size() >= 5);

  std::size_t kills = 0, named = 0, rounds = 0, duplicates = 0;
  while (kills < kills_wanted) {
    ++rounds;
    Notified crashy;
    std::size_t day = 0;
    do {
      // Kill until a run completes the day; once enough kills were made, runs complete undisturbed.
      while (true) {
        std::optional<int> exit_code;
        std::string output;
        if (kills >= kills_wanted) {
          const auto result = crashy.f.run_once();
          exit_code = result.exit_code;
          output = result.output;
        } else if (random() % 2 == 0) {
          const std::string point =
              k_crash_points[random() % k_crash_points.size()] + ":" + (random() % 4 == 0 ? "2" : "1");
          const auto result = crashy.f.run_once({}, {{"TRIALWATCH_CRASHPOINT", point}});
          exit_code = result.exit_code;
          output = result.output + "\n(" + point + ")";
          if (*exit_code == 137) ++named;
        } else {
          ChildProcess child(crashy.f.once_argv(), trialwatch::testing::isolated_env());
          std::this_thread::sleep_for(std::chrono::milliseconds(random() % (day_ms[day] + 1)));
          exit_code = child.wait_for_exit(std::chrono::milliseconds(0));
          if (!exit_code) {
            child.send(SIGKILL);
            exit_code = child.wait_for_exit(std::chrono::seconds(30));
          }
          output = child.output();
        }
        INFO(output);
        REQUIRE(exit_code.has_value());
        if (*exit_code == 0) break;
        REQUIRE(*exit_code == 137);  // killed: no other failure is acceptable
        ++kills;
        if (std::filesystem::exists(crashy.f.db_path()))  // a kill may come before the database is created
          REQUIRE(trialwatch::testing::integrity_of(crashy.f.db_path()) == "ok");
      }
      ++day;
    } while (crashy.f.registry.registry.advance_day());

    CHECK(crashy.event_ids() == expected_events);
    const auto delivered = crashy.deliveries();
    const std::set<std::string> distinct(delivered.begin(), delivered.end());
    CHECK(distinct == std::set<std::string>(expected_deliveries.begin(), expected_deliveries.end()));
    duplicates += delivered.size() - distinct.size();
  }
  WARN(kills << " kills (" << named << " at named crash points) over " << rounds << " rounds of " << day_ms.size()
             << " days; " << duplicates << " notifications delivered twice, each with the same event id");
}
