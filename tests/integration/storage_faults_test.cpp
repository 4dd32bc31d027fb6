// SPDX-License-Identifier: MIT
// Storage faults (issue #9) through the real trialwatchd: a full disk, a read-only database, a database locked by
// another writer, a corrupt file and a file from a newer schema each give one clear sentence and the documented exit
// code, and never damage what is already stored.

#include "tests/integration/daemon_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

using trialwatch::testing::isolated_env;
using trialwatch::testing::read_file;

std::vector<std::string> event_ids(const DaemonFixture& f) {
  std::vector<std::string> ids;
  for (const auto& e : f.events()) ids.push_back(e.id);
  return ids;
}

// A fixture synced over day 0, moved to day 1 (a status change waits), with its WAL checkpointed into the file.
struct Synced {
  Synced()
      : f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), trialwatch::testing::k_scenario_studies,
          trialwatch::testing::k_without_discovery) {
    REQUIRE(f.run_once().exit_code == 0);
    REQUIRE(f.registry.registry.advance_day());
    SQLite::Database db(f.db_path(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    baseline = event_ids(f);
    REQUIRE(baseline.size() == 3);
  }
  DaemonFixture f;
  std::vector<std::string> baseline;
};

}  // namespace

TEST_CASE("a full disk fails the cycle with exit 74 and keeps the stored history", "[integration][storage]") {
  Synced s;
  // No file may grow past 4 KiB (the database already has): the cycle's first write runs out of space.
  auto argv = s.f.once_argv();
  argv.insert(argv.begin(), {"/usr/bin/prlimit", "--fsize=4096", "--"});
  const auto result = trialwatch::testing::run_process(argv, isolated_env());
  INFO(result.output);
  CHECK(result.exit_code == 74);
  CHECK_THAT(result.output, Catch::Contains("disk") || Catch::Contains("space"));
  CHECK(trialwatch::testing::integrity_of(s.f.db_path()) == "ok");
  CHECK(event_ids(s.f) == s.baseline);

  const auto recovered = s.f.run_once();  // space again: the waiting change is recorded
  INFO(recovered.output);
  CHECK(recovered.exit_code == 0);
  CHECK(event_ids(s.f).size() > s.baseline.size());
}

TEST_CASE("a read-only database fails with exit 74 and stays as it was", "[integration][storage]") {
  Synced s;
  namespace fs = std::filesystem;
  fs::permissions(s.f.db_path(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  auto argv = s.f.once_argv();
  if (::geteuid() == 0) {  // root writes whatever the mode says: run the daemon as nobody, in a folder it may use
    fs::permissions(s.f.dir.path(), fs::perms::all);
    fs::permissions(s.f.config_path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    argv.insert(argv.begin(), {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"});
  }
  const std::string before = read_file(s.f.db_path());
  const auto result = trialwatch::testing::run_process(argv, isolated_env());
  INFO(result.output);
  CHECK(result.exit_code == 74);
  CHECK_THAT(result.output, Catch::Contains("readonly") || Catch::Contains("read-only"));
  CHECK_THAT(result.output, Catch::Contains("check its permissions"));
  CHECK(read_file(s.f.db_path()) == before);

  fs::permissions(s.f.db_path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const auto recovered = s.f.run_once();
  INFO(recovered.output);
  CHECK(recovered.exit_code == 0);
  CHECK(event_ids(s.f).size() > s.baseline.size());
}

TEST_CASE("a database locked by another writer fails with exit 74 after the busy timeout", "[integration][storage]") {
  Synced s;
  SQLite::Database other(s.f.db_path(), SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");  // another writer holds the write lock for the whole run
  const auto result = s.f.run_once();
  INFO(result.output);
  CHECK(result.exit_code == 74);
  CHECK_THAT(result.output, Catch::Contains("locked") || Catch::Contains("busy"));
  other.exec("ROLLBACK");
  CHECK(trialwatch::testing::integrity_of(s.f.db_path()) == "ok");
  CHECK(event_ids(s.f) == s.baseline);
  CHECK(s.f.run_once().exit_code == 0);
  CHECK(event_ids(s.f).size() > s.baseline.size());
}

TEST_CASE("a corrupt database file is refused with exit 65 and left as it was", "[integration][storage]") {
  Synced s;
  {
    std::fstream file(s.f.db_path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(s.f.db_path()) / 2));
    const std::string garbage(4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const std::string damaged = read_file(s.f.db_path());
  const auto result = s.f.run_once();
  INFO(result.output);
  CHECK(result.exit_code == 65);
  CHECK_THAT(result.output, Catch::Contains("backup"));
  CHECK(read_file(s.f.db_path()) == damaged);  // nothing written over what may still be rescued
}

TEST_CASE("a database from a newer schema is refused with exit 65 and left as it was", "[integration][storage]") {
  Synced s;
  {
    SQLite::Database db(s.f.db_path(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 99");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const std::string newer = read_file(s.f.db_path());
  const auto result = s.f.run_once();
  INFO(result.output);
  CHECK(result.exit_code == 65);
  CHECK_THAT(result.output, Catch::Contains("newer"));
  CHECK(read_file(s.f.db_path()) == newer);
}
