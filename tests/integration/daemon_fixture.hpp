// SPDX-License-Identifier: MIT
#pragma once

#include "store/database.hpp"
#include "store/queries.hpp"
#include "store/runs.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

#include <SQLiteCpp/Database.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trialwatch::testing {

// The environment the programs under test run with: `extra`, and no database or configuration path inherited from
// the caller's environment.
inline std::map<std::string, std::string> isolated_env(const std::map<std::string, std::string>& extra = {}) {
  std::map<std::string, std::string> env{{"TRIALWATCH_DB", ""}, {"TRIALWATCH_CONFIG", ""}};
  for (const auto& [name, value] : extra) env[name] = value;
  return env;
}

// Run the real `trialwatch` on the database `db` (a file or a URI) with `args`, `env` added to its isolated
// environment.
inline ProcessResult run_cli(const std::string& db, std::vector<std::string> args,
                             const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", db});
  return run_process(args, isolated_env(env));
}

// Configuration that turns related-trial discovery off, for tests that count or compare the sync engine's own work.
inline const std::string k_without_discovery = "[related]\nmode = \"off\"\n";

// The studies the car-nk-results scenario's tests track: NCT06613490 (the story), NCT04280705 (reprocessed on day 5)
// and NCT00763412.
inline const std::vector<std::string> k_scenario_studies{"NCT06613490", "NCT04280705", "NCT00763412"};

// The raw query of a page of full documents (a filter.ids batch without a fields= projection), as a regular
// expression for faults; is_full_fetch() says whether a logged query is one.
inline const std::string k_full_fetch_query = "^filter\\.ids=[^&]*&pageSize=";
inline bool is_full_fetch(const std::string& query) {
  return query.rfind("filter.ids=", 0) == 0 && query.find("&fields=") == std::string::npos;
}

// Return what PRAGMA integrity_check says of the database at `db_path` ("ok" when it is sound).
inline std::string integrity_of(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA integrity_check").getString();
}

// A fake registry, a temporary folder with a configuration file, and the real trialwatchd binary run as a child.
struct DaemonFixture {
  // Serve `scenario`, track `tracked` from the configuration, with `extra_config` appended to it, on a database of
  // `engine`.
  DaemonFixture(fakeregistry::Scenario scenario, const std::vector<std::string>& tracked,
                const std::string& extra_config = "", TestEngine engine = TestEngine::sqlite)
      : database(engine), registry(std::move(scenario)) {
    write_config(tracked, extra_config);
  }

  // (Re)write the configuration file: track `tracked`, with `extra_config` after [api] and `sync_extra` in [sync].
  void write_config(const std::vector<std::string>& tracked, const std::string& extra_config = "",
                    const std::string& sync_extra = "") const {
    std::ofstream config(config_path(), std::ios::trunc);
    config << "[api]\nrequests_per_second = 100.0\n"
           << api_settings << "\n"
           << extra_config << "\n"
           << history_settings << "\n[sync]\n"
           << sync_extra << "\ntrack = [";
    for (std::size_t i = 0; i < tracked.size(); ++i) config << (i ? ", " : "") << '"' << tracked[i] << '"';
    config << "]\n";
  }

  // Start trialwatchd (no --once) in the background against the fake registry, with `env` added.
  std::unique_ptr<ChildProcess> start(const std::map<std::string, std::string>& env = {},
                                      ChildProcess::Stderr stderr_kind = ChildProcess::Stderr::plain) const {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{TRIALWATCH_DAEMON_PATH, "--api-base", registry.registry.base_url(), "--db", db_path(),
                                 "--config", config_path()},
        isolated_env(env), stderr_kind);
  }

  std::string config_path() const { return (dir.path() / "trialwatch.toml").string(); }
  // The --db value: the SQLite file, or the PostgreSQL database's URI.
  std::string db_path() const { return database.location(); }

  // The arguments of one `trialwatchd --once` on this fixture's database and configuration, against `api_base`.
  std::vector<std::string> once_argv(const std::string& api_base) const {
    return {TRIALWATCH_DAEMON_PATH, "--once", "--api-base", api_base, "--db", db_path(), "--config", config_path()};
  }
  // The same against the fake registry, on the database `db` instead of the fixture's own.
  std::vector<std::string> once_argv_on(const std::string& db) const {
    return {TRIALWATCH_DAEMON_PATH, "--once", "--api-base", registry.registry.base_url(), "--db", db, "--config",
            config_path()};
  }
  // The same against the fake registry.
  std::vector<std::string> once_argv() const { return once_argv(registry.registry.base_url()); }

  // Run `trialwatchd --once` against the fake registry with `extra` arguments and `env` in its environment.
  ProcessResult run_once(const std::vector<std::string>& extra = {},
                         const std::map<std::string, std::string>& env = {}) const {
    auto argv = once_argv();
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv, isolated_env(env));
  }

  // Return every stored event, oldest first.
  std::vector<store::StoredEvent> events() const {
    auto db = store::Database::open(db_path(), store::OpenMode::read_only);
    auto all = store::Queries(db).events({});
    return std::vector<store::StoredEvent>(all.rbegin(), all.rend());
  }

  // The [api] settings write_config() writes besides the rate: one attempt per request, so a fault shows at once.
  std::string api_settings = "max_attempts = 1";
  // The [history] section write_config() writes: no backfill, so the sync engine's own requests are what tests count.
  std::string history_settings = "[history]\nbackfill = \"off\"\ndiscovered = \"off\"";
  TempDir dir;
  TestDatabase database;
  RegistryFixture registry;
};

}  // namespace trialwatch::testing
