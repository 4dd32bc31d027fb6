// SPDX-License-Identifier: MIT
// `trialwatch status` tells a healthy daemon from a late or failing one, by its exit code and in words; an ID the
// registry never served is "not found", not a removal; `--log-level debug` shows the requests and decisions.

#include "core/clock.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

namespace fr = trialwatch::fakeregistry;
using namespace std::chrono_literals;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;

namespace {

DaemonFixture story_fixture(const std::vector<std::string>& tracked = {"NCT06613490"}) {
  return DaemonFixture(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), tracked,
                       trialwatch::testing::k_without_discovery);
}

// Run `trialwatch status` (with `extra` arguments) on `f`'s database as if it were `now`.
ProcessResult status_at(const DaemonFixture& f, std::chrono::system_clock::time_point now,
                        const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{TRIALWATCH_CLI_PATH, "--db", f.db_path(), "status"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv, trialwatch::testing::isolated_env(
                               {{"TRIALWATCH_NOW", trialwatch::core::format_rfc3339(now)}, {"NO_COLOR", "1"}}));
}

std::string first_line_with(const std::string& text, const std::string& start) {
  const auto at = text.find("\n" + start);
  if (at == std::string::npos) return {};
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

}  // namespace

TEST_CASE("status exits 0 after a recent check and 69 with a sentence when no check came for twice the interval",
          "[integration][status]") {
  const auto f = story_fixture();
  REQUIRE(f.run_once().exit_code == 0);
  const auto now = std::chrono::system_clock::now();

  const auto healthy = status_at(f, now);
  INFO(healthy.output);
  CHECK(healthy.exit_code == 0);
  CHECK_THAT(first_line_with(healthy.output, "next check"),
             Catch::Contains("(in 29 minutes)") || Catch::Contains("(in 30 minutes)"));
  CHECK_THAT(status_at(f, now, {"--json"}).output, Catch::Contains(R"("health":"ok","health_sentence":null)") &&
                                                       Catch::Contains(R"("check_interval_seconds":1800)"));

  const auto late = status_at(f, now + 3h);
  INFO(late.output);
  CHECK(late.exit_code == 69);
  CHECK_THAT(first_line_with(late.output, "next check"),
             Catch::Contains("no check since ") && Catch::Contains("(3 hours ago)") &&
                 Catch::Contains("is trialwatchd running? `systemctl status trialwatchd`"));
  const auto late_json = status_at(f, now + 3h, {"--json"});
  CHECK(late_json.exit_code == 69);
  CHECK_THAT(late_json.output, Catch::Contains(R"("health":"late","health_sentence":"no check since )"));
}

TEST_CASE("status exits 75 and shows the error when the last sync failed", "[integration][status]") {
  auto f = story_fixture();
  REQUIRE(f.run_once().exit_code == 0);
  f.registry.registry.add_fault(fr::Fault{.path = "^/api/v2/version$", .status = 503});
  REQUIRE(f.run_once().exit_code == 75);
  const auto failing = status_at(f, std::chrono::system_clock::now());
  INFO(failing.output);
  CHECK(failing.exit_code == 75);
  CHECK_THAT(first_line_with(failing.output, "last error"), Catch::Contains("503"));
  CHECK_THAT(status_at(f, std::chrono::system_clock::now(), {"--json"}).output,
             Catch::Contains(R"("health":"failing")"));
}

TEST_CASE("an ID the registry never served is 'not found — check the ID', never study_removed",
          "[integration][status]") {
  const auto f = story_fixture({"NCT06613490", "NCT99999999"});
  for (int run = 0; run < 2; ++run) {
    const auto once = f.run_once();
    INFO(once.output);
    REQUIRE(once.exit_code == 0);
    if (run == 0) CHECK_THAT(once.output, Catch::Contains("NCT99999999 not found in the registry: check the ID"));
  }
  for (const auto& event : f.events()) CHECK(event.nct_id != "NCT99999999");
  const auto status = status_at(f, std::chrono::system_clock::now());
  INFO(status.output);
  CHECK_THAT(first_line_with(status.output, "NCT99999999"), Catch::Contains("not found — check the ID"));
  CHECK_THAT(status_at(f, std::chrono::system_clock::now(), {"--json"}).output,
             Catch::Contains(R"("not_found":["NCT99999999"])"));
  const auto list =
      run_process({TRIALWATCH_CLI_PATH, "--db", f.db_path(), "list"}, trialwatch::testing::isolated_env());
  INFO(list.output);
  CHECK_THAT(first_line_with(list.output, "NCT99999999"), Catch::Contains("not found — check the ID"));
  CHECK_THAT(first_line_with(list.output, "NCT06613490"), Catch::Contains("RECRUITING"));
}

TEST_CASE("the debug log level shows every registry request and the cycle's decisions, and info does not",
          "[integration][status]") {
  const auto f = story_fixture();
  const auto debug = f.run_once({"--log-level", "debug"});
  INFO(debug.output);
  REQUIRE(debug.exit_code == 0);
  CHECK_THAT(debug.output, Catch::Contains("GET " + f.registry.registry.base_url() + "/version -> 200 ("));
  CHECK_THAT(debug.output, Catch::Contains("watermark pass: 1 of 1 tracked studies listed, 1 new, changed or due"));
  CHECK_THAT(debug.output, Catch::Contains("fetching 1 study in full"));
  const auto info = f.run_once();
  REQUIRE(info.exit_code == 0);
  CHECK_THAT(info.output, !Catch::Contains(" -> 200 (") && !Catch::Contains("watermark pass"));

  // A password in the API's URL never reaches the log.
  auto with_password = f.registry.registry.base_url();
  with_password.insert(with_password.find("://") + 3, "reader:s3cret@");
  auto argv = f.once_argv(with_password);
  argv.insert(argv.end(), {"--log-level", "debug"});
  const auto secret = run_process(argv, trialwatch::testing::isolated_env());
  INFO(secret.output);
  REQUIRE(secret.exit_code == 0);
  CHECK_THAT(secret.output, Catch::Contains("GET " + f.registry.registry.base_url() + "/version -> 200 (") &&
                                !Catch::Contains("s3cret"));
}
