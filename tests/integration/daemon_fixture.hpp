// SPDX-License-Identifier: MIT
#pragma once

#include "store/database.hpp"
#include "store/history.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <fstream>
#include <string>
#include <vector>

namespace trialwatch::testing {

// A fake registry, a temporary folder with a configuration file, and the real trialwatchd binary run as a child.
struct DaemonFixture {
  // Serve `scenario`, track `tracked` from the configuration, with `extra_config` appended to it.
  DaemonFixture(fakeregistry::Scenario scenario, const std::vector<std::string>& tracked,
                const std::string& extra_config = "")
      : registry(std::move(scenario)) {
    std::ofstream config(config_path());
    config << "[api]\nrequests_per_second = 100.0\nmax_attempts = 1\n" << extra_config << "\n[sync]\ntrack = [";
    for (std::size_t i = 0; i < tracked.size(); ++i) config << (i ? ", " : "") << '"' << tracked[i] << '"';
    config << "]\n";
  }

  std::string config_path() const { return (dir.path() / "trialwatch.toml").string(); }
  std::string db_path() const { return (dir.path() / "trialwatch.db").string(); }

  // Run `trialwatchd --once` against the fake registry with `extra` arguments.
  ProcessResult run_once(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{
        TRIALWATCH_DAEMON_PATH, "--once", "--api-base", registry.registry.base_url(), "--db", db_path(), "--config",
        config_path()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv, {{"TRIALWATCH_DB", ""}, {"TRIALWATCH_CONFIG", ""}});
  }

  // Return every stored event, oldest first.
  std::vector<store::StoredEvent> events() const {
    auto db = store::Database::open(db_path(), store::OpenMode::read_only);
    store::History history(db);
    auto all = history.events(1000000);
    return std::vector<store::StoredEvent>(all.rbegin(), all.rend());
  }

  TempDir dir;
  RegistryFixture registry;
};

}  // namespace trialwatch::testing
