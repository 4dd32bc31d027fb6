// SPDX-License-Identifier: MIT
// trialwatchd --once --strategy naive, the benchmark's baseline (issue #8), against the fake registry over loopback.

#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

// Run one naive cycle; require exit 0 and that it made exactly one GET /studies/{id} per tracked study.
trialwatch::store::RunRecord naive_run(DaemonFixture& f) {
  f.registry.registry.clear_requests();
  const auto result = f.run_once({"--strategy", "naive"});
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto requests = f.registry.registry.requests();
  CHECK(requests.size() == 2);
  for (const auto& request : requests) {
    CHECK(request.method == "GET");
    CHECK(request.path.rfind("/api/v2/studies/NCT", 0) == 0);
  }
  auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
  const auto run = trialwatch::store::History(db).last_run();
  REQUIRE(run);
  CHECK(run->outcome == "ok");
  CHECK(run->requests == 2);
  CHECK(run->checked == 2);
  CHECK(run->fetched == 2);
  CHECK(run->events == 0);
  return *run;
}

}  // namespace

TEST_CASE("the naive strategy fetches every tracked study and stores whole-text changes", "[integration][naive]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490", "NCT04280705"});

  CHECK(naive_run(f).changed == 2);  // the baseline: both stored
  CHECK(naive_run(f).changed == 0);  // the same day again: the same texts

  // The registry's next refresh rewrites every versionHolder: the whole-text comparison sees the noise.
  REQUIRE(f.registry.registry.advance_day());
  CHECK(naive_run(f).changed == 2);
}

TEST_CASE("the naive strategy is refused without --once and unknown strategies are refused", "[integration][naive]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  SECTION("--strategy naive without --once") {
    const auto result = trialwatch::testing::run_process(
        {TRIALWATCH_DAEMON_PATH, "--strategy", "naive", "--api-base", f.registry.registry.base_url(), "--db",
         f.db_path(), "--config", f.config_path()},
        trialwatch::testing::isolated_env());
    INFO(result.output);
    CHECK(result.exit_code == 64);
    CHECK(result.output.find("--once") != std::string::npos);
  }
  SECTION("--strategy bogus") {
    const auto result = f.run_once({"--strategy", "bogus"});
    INFO(result.output);
    CHECK(result.exit_code == 64);
  }
  CHECK(f.registry.registry.requests().empty());
}
