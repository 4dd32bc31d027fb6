// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "store/registry_history.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <string>
#include <vector>

namespace trialwatch::testing {

// A real trialwatchd on the car-nk-results scenario, tracking `study` from the configuration and backfilling the
// registry's history of it in `mode` ("full", "status" or "off").
struct Backfilling {
  explicit Backfilling(const std::string& mode, const std::string& study = "NCT04280705")
      : f(fakeregistry::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {study}, k_without_discovery) {
    f.history_settings = "[history]\nbackfill = \"" + mode + "\"";
    f.write_config({study}, k_without_discovery);
  }
  // Run trialwatch with `args` on the fixture's database.
  ProcessResult cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    return run_process(args, isolated_env());
  }
  DaemonFixture f;
};

// How many requests `f`'s registry answered on the website's history endpoints.
inline std::size_t history_requests(const DaemonFixture& f) {
  const auto log = f.registry.registry.requests();
  return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [](const fakeregistry::LoggedRequest& request) {
    return request.path.rfind("/api/int/", 0) == 0;
  }));
}

// The stored events derived from the registry's past, oldest first.
inline std::vector<store::StoredEvent> past_events(const DaemonFixture& f) {
  std::vector<store::StoredEvent> past;
  for (const auto& event : f.events())
    if (event.provenance == core::Provenance::registry_history) past.push_back(event);
  return past;
}

// The ids of the past events, sorted (a doubled event would show twice).
inline std::vector<std::string> past_ids(const DaemonFixture& f) {
  std::vector<std::string> ids;
  for (const auto& event : past_events(f)) ids.push_back(event.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// How far `f`'s backfill has got.
inline store::BackfillProgress backfill_progress(const DaemonFixture& f) {
  auto db = store::Database::open(f.db_path(), store::OpenMode::read_only);
  return store::RegistryHistory(db).progress();
}

// Which listed past versions of `study` have their document stored, oldest first.
inline std::vector<bool> documents_stored(const DaemonFixture& f, const std::string& study = "NCT04280705") {
  auto db = store::Database::open(f.db_path(), store::OpenMode::read_only);
  std::vector<bool> stored;
  for (const auto& version : store::RegistryHistory(db).versions(*core::NctId::parse(study)))
    stored.push_back(!version.hash.empty());  // a hash is stored with each document
  return stored;
}

// Time passes: every failed backfill is due again.
inline void make_retries_due(const DaemonFixture& f) {
  SQLite::Database db(f.db_path(), SQLite::OPEN_READWRITE);
  db.exec("UPDATE backfills SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE done_at IS NULL");
}

}  // namespace trialwatch::testing
