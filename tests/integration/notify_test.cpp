// SPDX-License-Identifier: MIT
// Notifications end to end: the real trialwatchd over the NCT06613490 scenario with an exec channel whose program
// writes down every notification it gets.

#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/loopback_server.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <set>
#include <thread>

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

TEST_CASE("a webhook whose URL is a systemd credential gets the results once, signed", "[integration][notify]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  std::mutex mutex;
  std::vector<httplib::Request> posts;
  trialwatch::testing::LoopbackServer receiver;
  receiver.routes().Post("/hooks/lab", [&](const httplib::Request& request, httplib::Response& response) {
    const std::lock_guard lock(mutex);
    posts.push_back(request);
    response.set_content("ok", "text/plain");
  });
  const int port = receiver.start();
  const auto credentials = f.dir.path() / "credentials";
  std::filesystem::create_directories(credentials);
  std::ofstream(credentials / "lab_webhook") << "http://127.0.0.1:" << port << "/hooks/lab\n";
  std::ofstream(credentials / "lab_secret") << "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n";
  f.write_config({"NCT06613490"},
                 "[[notify]]\nname = \"lab\"\ntype = \"webhook\"\nurl_credential = \"lab_webhook\"\n"
                 "secret_credential = \"lab_secret\"\nevents = [\"results_posted\", \"status_changed\"]\n");
  const std::map<std::string, std::string> env{{"CREDENTIALS_DIRECTORY", credentials.string()}};
  const auto run = [&] { return f.run_once({}, env); };
  REQUIRE(run().exit_code == 0);
  for (int day = 2; day <= 6; ++day) {
    REQUIRE(f.registry.registry.advance_day());
    const auto result = run();
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.output, !Catch::Contains("hooks/lab"));  // the URL is a secret: never logged
  }
  receiver.stop();
  // Status changes on days 2 and 3, results on day 5: three posts, each event once.
  REQUIRE(posts.size() == 3);
  std::set<std::string> ids;
  for (const auto& post : posts) ids.insert(post.get_header_value("webhook-id"));
  CHECK(ids.size() == 3);
  const auto& results = posts.back();
  CHECK_THAT(results.body, Catch::Contains(R"("type":"results_posted")") &&
                               Catch::Contains(R"("url":"https://clinicaltrials.gov/study/NCT06613490?tab=results")"));
  CHECK_THAT(results.get_header_value("webhook-signature"), Catch::StartsWith("v1,"));
}

TEST_CASE("a daemon killed after sending but before marking sends again, with the same event id",
          "[integration][notify]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  const auto received = f.dir.path() / "received.log";
  const auto script = f.dir.path() / "receive.sh";
  std::ofstream(script) << "#!/bin/sh\necho \"$TRIALWATCH_EVENT_ID $TRIALWATCH_EVENT\" >> '" << received.string()
                        << "'\n";
  f.write_config({"NCT06613490"},
                 "[[notify]]\nname = \"lab\"\ntype = \"exec\"\ncommand = [\"/bin/sh\", \"" + script.string() + "\"]\n");
  REQUIRE(f.run_once().exit_code == 0);
  f.registry.registry.go_to_day(4);  // results posted
  const auto crashed = f.run_once({}, {{"TRIALWATCH_CRASHPOINT", "after_send:1"}});
  INFO(crashed.output);
  CHECK(crashed.exit_code == 137);
  REQUIRE(lines_in(received).size() == 1);  // sent, then the process died before marking it

  REQUIRE(f.run_once().exit_code == 0);  // the restart finds it still pending and sends it again
  const auto lines = lines_in(received);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == lines[1]);  // the same event id: the receiver can tell it is a duplicate
  CHECK_THAT(lines[0], Catch::EndsWith(" results_posted"));
  REQUIRE(f.run_once().exit_code == 0);
  CHECK(lines_in(received).size() == 2);  // marked now: no third send
}
