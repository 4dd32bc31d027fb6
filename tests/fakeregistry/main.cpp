// SPDX-License-Identifier: MIT
// trialwatch-fake-registry: a local stand-in for ClinicalTrials.gov API v2 that serves recorded documents,
// for demos and manual testing. Time travel, faults and the request log are driven through /_control.

#include "tests/fakeregistry/server.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
  namespace fr = trialwatch::fakeregistry;
  CLI::App app{"trialwatch-fake-registry - serve recorded ClinicalTrials.gov documents like API v2 on 127.0.0.1"};
  std::string data_dir;
  std::string scenario_dir;
  std::string timestamp;
  int port = 8089;
  app.add_option("--data", data_dir, "folder with studies/ (and api/studies_metadata.aact-v2.json)")->required();
  app.add_option("--scenario", scenario_dir, "folder with a scenario.json of registry days");
  app.add_option("--port", port, "port on 127.0.0.1 (0 picks a free one)");
  app.add_option("--timestamp", timestamp, "dataTimestamp to report before any scenario day");
  CLI11_PARSE(app, argc, argv);

  try {
    auto [fields, metadata_text] = fr::load_metadata(data_dir);
    fr::Scenario scenario;
    if (scenario_dir.empty())
      scenario.base = fr::load_documents(data_dir);
    else
      scenario = fr::load_scenario(scenario_dir);
    if (!timestamp.empty()) scenario.base.data_timestamp = timestamp;

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts, so only sigwait sees them

    fr::FakeRegistry registry(std::move(scenario), std::move(fields), std::move(metadata_text),
                              fr::FakeRegistry::ControlEndpoints::on);
    const int bound = registry.start(port);
    std::printf("trialwatch-fake-registry: serving %s (day %d of %d)\n", registry.base_url().c_str(), registry.day(),
                registry.day_count());
    std::fflush(stdout);
    (void)bound;
    int received = 0;
    sigwait(&signals, &received);
    registry.stop();
    return 0;
  } catch (const fr::PortInUse& e) {
    std::fprintf(stderr, "trialwatch-fake-registry: %s (--port 0 picks a free one)\n", e.what());
    return 69;  // EX_UNAVAILABLE
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trialwatch-fake-registry: %s\n", e.what());
    return 66;
  }
}
