// SPDX-License-Identifier: MIT
#pragma once

#include "store/database.hpp"
#include "store/history.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trialwatch::testing {

// Return what PRAGMA integrity_check says of the database at `db_path` ("ok" when it is sound).
inline std::string integrity_of(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA integrity_check").getString();
}

// A fake registry, a temporary folder with a configuration file, and the real trialwatchd binary run as a child.
struct DaemonFixture {
  // Serve `scenario`, track `tracked` from the configuration, with `extra_config` appended to it.
  DaemonFixture(fakeregistry::Scenario scenario, const std::vector<std::string>& tracked,
                const std::string& extra_config = "")
      : registry(std::move(scenario)) {
    write_config(tracked, extra_config);
  }

  // (Re)write the configuration file: track `tracked`, with `extra_config` after [api] and `sync_extra` in [sync].
  void write_config(const std::vector<std::string>& tracked, const std::string& extra_config = "",
                    const std::string& sync_extra = "") const {
    std::ofstream config(config_path(), std::ios::trunc);
    config << "[api]\nrequests_per_second = 100.0\nmax_attempts = 1\n"
           << extra_config << "\n[sync]\n"
           << sync_extra << "\ntrack = [";
    for (std::size_t i = 0; i < tracked.size(); ++i) config << (i ? ", " : "") << '"' << tracked[i] << '"';
    config << "]\n";
  }

  // Start trialwatchd (no --once) in the background against the fake registry, with `env` added.
  std::unique_ptr<ChildProcess> start(const std::map<std::string, std::string>& env = {},
                                      ChildProcess::Stderr stderr_kind = ChildProcess::Stderr::plain) const {
    std::map<std::string, std::string> environment{{"TRIALWATCH_DB", ""}, {"TRIALWATCH_CONFIG", ""}};
    environment.insert(env.begin(), env.end());
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{TRIALWATCH_DAEMON_PATH, "--api-base", registry.registry.base_url(), "--db", db_path(),
                                 "--config", config_path()},
        environment, stderr_kind);
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
