// SPDX-License-Identifier: MIT
// Notifications end to end: the real trialwatchd over the NCT06613490 scenario with an exec channel whose program
// writes down every notification it gets.

#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

std::vector<std::string> lines_in(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("results posted on a scenario day are notified exactly once, other days notify nothing",
          "[integration][notify]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490", "NCT04280705"});
  const auto received = f.dir.path() / "received.log";
  const auto script = f.dir.path() / "receive.sh";
  std::ofstream(script) << "#!/bin/sh\necho \"$TRIALWATCH_EVENT $TRIALWATCH_NCT_ID $TRIALWATCH_STUDY_URL\" >> '"
                        << received.string() << "'\n";
  f.write_config({"NCT06613490", "NCT04280705"},
                 "[[notify]]\nname = \"lab\"\ntype = \"exec\"\ncommand = [\"/bin/sh\", \"" + script.string() + "\"]\n");

  std::vector<std::size_t> after_day;
  REQUIRE(f.run_once().exit_code == 0);  // day 1: baselines (study_tracked is not results_posted)
  after_day.push_back(lines_in(received).size());
  for (int day = 2; day <= 6; ++day) {
    REQUIRE(f.registry.registry.advance_day());
    const auto run = f.run_once();
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    after_day.push_back(lines_in(received).size());
  }
  REQUIRE(f.run_once().exit_code == 0);  // the same day again: nothing new, nothing resent
  after_day.push_back(lines_in(received).size());

  // Day 5 posts the results; days 2-4 (status, dates, results submitted) and 6 (reprocessing) notify nothing.
  CHECK(after_day == std::vector<std::size_t>{0, 0, 0, 0, 1, 1, 1});
  const auto lines = lines_in(received);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "results_posted NCT06613490 https://clinicaltrials.gov/study/NCT06613490?tab=results");
}
