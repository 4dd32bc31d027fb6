// SPDX-License-Identifier: MIT
// Storage faults (issue #9) through the real trialwatchd: a full disk, a read-only database, a database locked by
// another writer, a corrupt file, a page damaged while a program reads the file (issue #20) and a file from a newer
// schema each give one clear sentence and the documented exit code, and never damage what is already stored.

#include "core/clock.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fr = trialwatch::fakeregistry;
using namespace std::chrono_literals;
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

// The page numbers of the versions table's b-tree (its rows) or of its overflow pages (the rest of long documents).
enum class Pages { tree, overflow };
std::vector<std::int64_t> versions_pages(const std::string& path, Pages which) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement query(db, which == Pages::overflow
                                  ? "SELECT pageno FROM dbstat WHERE name = 'versions' AND pagetype = 'overflow'"
                                  : "SELECT pageno FROM dbstat WHERE name = 'versions' AND pagetype != 'overflow'");
  std::vector<std::int64_t> numbers;
  while (query.executeStep()) numbers.push_back(query.getColumn(0).getInt64());
  return numbers;
}

// Overwrite `numbers` of the database file at `path` with garbage behind SQLite's back, then commit a small write
// through a connection of our own: a program that has the file open sees the database changed, drops its page cache
// and reads the damage the next time it needs those pages.
void damage_pages(const std::string& path, const std::vector<std::int64_t>& numbers) {
  REQUIRE_FALSE(numbers.empty());
  const auto page_size = SQLite::Database(path, SQLite::OPEN_READONLY).execAndGet("PRAGMA page_size").getInt64();
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    const std::string garbage(static_cast<std::size_t>(page_size), '\xa5');
    for (const auto page : numbers) {
      file.seekp(static_cast<std::streamoff>((page - 1) * page_size));
      file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    REQUIRE(file.good());
  }
  SQLite::Database other(path, SQLite::OPEN_READWRITE, 5000);
  other.exec("INSERT INTO meta(key, value) VALUES ('touched', 'by another connection')");
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
    fs::permissions(fs::path(s.f.db_path()).parent_path(), fs::perms::all);
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
  {  // the daily quick_check last passed two days ago: this run checks again
    SQLite::Database db(s.f.db_path(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE meta SET value = '" +
            trialwatch::core::format_rfc3339(std::chrono::system_clock::now() - std::chrono::hours(48)) +
            "' WHERE key = 'last_quick_check'");
    REQUIRE(db.getChanges() == 1);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
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
  CHECK_THAT(result.output, Catch::Contains("failed its integrity check") && Catch::Contains("backup"));
  CHECK(read_file(s.f.db_path()) == damaged);  // nothing written over what may still be rescued
}

TEST_CASE("a page damaged while trialwatchd runs fails the cycle's read with exit 65 and a sentence",
          "[integration][storage]") {
  Synced s;  // day 1 waits: the cycle reads NCT06613490's stored version to diff the new one against it
  // The cycle waits for /version, after the open-time quick_check passed: the versions table is damaged meanwhile.
  s.f.registry.registry.add_fault(
      fr::Fault{.path = "^/api/v2/version$", .times = 1, .kind = fr::Fault::Kind::delay, .delay_ms = 3000});
  trialwatch::testing::ChildProcess daemon(s.f.once_argv(), isolated_env());
  REQUIRE(daemon.wait_for_output(" using ", 20s));
  damage_pages(s.f.db_path(), versions_pages(s.f.db_path(), Pages::tree));
  const auto exit_code = daemon.wait_for_exit(60s);
  INFO(daemon.output());
  CHECK(exit_code == 65);
  CHECK_THAT(daemon.output(), Catch::Contains("is corrupt") && Catch::Contains("restore it from a backup"));
}

TEST_CASE("a damaged stored document fails `trialwatch show` with exit 65 and a sentence", "[integration][storage]") {
  Synced s;
  // Only the documents' overflow pages: the versions' rows still list, their documents cannot be read.
  damage_pages(s.f.db_path(), versions_pages(s.f.db_path(), Pages::overflow));
  const auto cli = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv{TRIALWATCH_CLI_PATH, "--db", s.f.db_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return trialwatch::testing::run_process(argv, isolated_env());
  };
  const auto listed = cli({"history", "NCT04280705"});
  INFO(listed.output);
  CHECK(listed.exit_code == 0);  // the timeline needs no document; the due dates it would read are left out
  CHECK_THAT(listed.output, Catch::Contains("is corrupt") && Catch::Contains("results due dates are left out"));
  const auto shown = cli({"show", "NCT04280705", "--raw"});
  INFO(shown.output);
  CHECK(shown.exit_code == 65);
  CHECK_THAT(shown.output, Catch::Contains("is corrupt") && Catch::Contains("restore it from a backup"));
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
