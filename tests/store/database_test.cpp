// SPDX-License-Identifier: MIT
#include "store/database.hpp"

#include "core/clock.hpp"
#include "store/postgres/engine.hpp"
#include "tests/store/damaged_pages.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

using trialwatch::core::ExitCode;
using trialwatch::store::Database;
using trialwatch::store::OpenMode;
using trialwatch::store::StoreError;
using trialwatch::testing::TempDir;

namespace {

StoreError::Kind error_kind_of(const std::filesystem::path& path, OpenMode mode) {
  try {
    Database::open(path, mode);
  } catch (const StoreError& e) {
    return e.kind();
  }
  FAIL("opening " << path << " did not fail");
  throw std::logic_error("unreachable");
}

void sqlite(const std::filesystem::path& db, const std::string& sql) {
  const auto result = trialwatch::testing::run_process({"/usr/bin/sqlite3", db.string(), sql});
  REQUIRE(result.exit_code == 0);
}

using std::chrono::hours;
using std::chrono::system_clock;

// Return when the last quick_check passed, as the database at `path` records it, or nothing.
std::optional<std::string> last_quick_check(const std::filesystem::path& path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement select(db, "SELECT value FROM meta WHERE key = 'last_quick_check'");
  if (!select.executeStep()) return std::nullopt;
  return select.getColumn(0).getString();
}

// Record `value` as the time of the last passed quick_check, from outside the store, with every page in the main file.
void set_last_quick_check(const std::filesystem::path& path, const std::string& value) {
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  SQLite::Statement upsert(db,
                           "INSERT INTO meta (key, value) VALUES ('last_quick_check', ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  upsert.bind(1, value);
  upsert.exec();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

// Expect the recorded last quick_check to be a time within a minute of now.
void expect_checked_just_now(const std::filesystem::path& path) {
  const auto recorded = last_quick_check(path);
  REQUIRE(recorded.has_value());
  const auto when = trialwatch::core::parse_utc_time(*recorded);
  REQUIRE(when.has_value());
  const auto age = system_clock::now() - *when;
  CHECK(age >= -std::chrono::minutes(1));
  CHECK(age <= std::chrono::minutes(1));
}

// Overwrite every page of the watch list's table and index, which an open never reads and quick_check always does.
void damage_watch_list(const std::filesystem::path& path) {
  const auto pages = trialwatch::testing::pages_of(path, "watchlist", trialwatch::testing::Pages::tree);
  REQUIRE(pages.size() > 2);
  trialwatch::testing::overwrite_pages(path, pages);
}

}  // namespace

TEST_CASE("a new database is created, migrated, in WAL mode for SQLite, and reopens idempotently",
          "[store][database]") {
  using trialwatch::testing::TestEngine;
  const auto engine = GENERATE(TestEngine::sqlite, TestEngine::postgres);
  INFO("engine: " << trialwatch::testing::engine_name(engine));
  const trialwatch::testing::TestDatabase database(engine);
  const int latest = engine == TestEngine::sqlite ? Database::latest_schema_version()
                                                  : trialwatch::store::postgres::latest_schema_version();
  {
    auto db = Database::open(database.location(), OpenMode::read_write);
    CHECK(db.schema_version() == latest);
    db.set_meta("completed_data_timestamp", "2026-09-01T09:00:05");
    db.set_meta("completed_data_timestamp", "2026-09-02T09:00:05");  // replaced, not added
  }
  if (engine == TestEngine::sqlite) {
    const auto mode =
        trialwatch::testing::run_process({"/usr/bin/sqlite3", database.location(), "PRAGMA journal_mode;"});
    CHECK(mode.output == "wal\n");
  }
  auto again = Database::open(database.location(), OpenMode::read_write);
  CHECK(again.schema_version() == latest);
  CHECK(again.get_meta("completed_data_timestamp") == "2026-09-02T09:00:05");
  CHECK_FALSE(again.get_meta("nothing").has_value());
  auto reader = Database::open(database.location(), OpenMode::read_only);
  CHECK(reader.schema_version() == latest);
  CHECK(reader.get_meta("completed_data_timestamp") == "2026-09-02T09:00:05");
}

TEST_CASE("migration 6 rewrites event ids to start with the study's digits, in the outbox too", "[store][database]") {
  TempDir dir;
  const auto path = dir.path() / "trialwatch.db";
  Database::open(path, OpenMode::read_write);
  // Two events and a delivery as schema 5 stored them: ids that are the whole 32-digit hash.
  const std::string first = "0123456789abcdef0123456789abcdef";
  const std::string second = "fedcba9876543210fedcba9876543210";
  sqlite(path,
         "INSERT INTO events(id, nct_id, type, detected_at, data_timestamp, provenance, summary, source) VALUES ('" +
             first + "', 'NCT06613490', 'study_tracked', 't', 'd', 'tracking', 's', 'cli'), ('" + second +
             "', 'NCT00000102', 'study_tracked', 't', 'd', 'tracking', 's', 'cli');"
             "INSERT INTO deliveries(event_id, channel, next_attempt_at, created_at) VALUES ('" +
             second +
             "', 'hook', 't', 't');"
             "DROP TABLE dictionaries;"  // schema 7's table
             "DROP TABLE past_versions; DROP TABLE backfills; ALTER TABLE events DROP COLUMN registry_version;"
             "ALTER TABLE events DROP COLUMN posted_date;"  // schema 8's
             "DROP TABLE due_facts;"                        // schema 9's
             "PRAGMA user_version = 5;");
  auto db = Database::open(path, OpenMode::read_write);
  CHECK(db.schema_version() == Database::latest_schema_version());
  const auto ids = trialwatch::testing::run_process(
      {"/usr/bin/sqlite3", path.string(),
       "SELECT id FROM events ORDER BY id; SELECT event_id FROM deliveries; PRAGMA foreign_key_check;"});
  CHECK(ids.output ==
        "00000102fedcba9876543210fedcba98\n"
        "066134900123456789abcdef01234567\n"
        "00000102fedcba9876543210fedcba98\n");
}

TEST_CASE("a read-only open of a missing database says where it looked (exit 66)", "[store][database]") {
  TempDir dir;
  const auto path = dir.path() / "absent.db";
  try {
    Database::open(path, OpenMode::read_only);
    FAIL("no error");
  } catch (const StoreError& e) {
    CHECK(e.kind() == StoreError::Kind::missing);
    CHECK(e.exit_code() == ExitCode::no_input);
    CHECK_THAT(e.what(), Catch::Contains(path.string()) && Catch::Contains("--db"));
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("files that are not trialwatch databases are refused and left untouched (exit 65)", "[store][database]") {
  TempDir dir;
  SECTION("garbage bytes") {
    const auto path = dir.path() / "garbage.db";
    std::ofstream(path) << std::string(8192, 'x');
    CHECK(error_kind_of(path, OpenMode::read_write) == StoreError::Kind::not_a_trialwatch_database);
    CHECK(std::filesystem::file_size(path) == 8192);
  }
  SECTION("another application's SQLite file") {
    const auto path = dir.path() / "other.db";
    sqlite(path, "PRAGMA application_id = 42; CREATE TABLE t(x);");
    CHECK(error_kind_of(path, OpenMode::read_write) == StoreError::Kind::not_a_trialwatch_database);
    CHECK(error_kind_of(path, OpenMode::read_only) == StoreError::Kind::not_a_trialwatch_database);
  }
}

TEST_CASE("a database from a newer schema is refused with advice to upgrade", "[store][database]") {
  TempDir dir;
  const auto path = dir.path() / "trialwatch.db";
  Database::open(path, OpenMode::read_write);
  sqlite(path, "PRAGMA user_version = 99;");
  for (const auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    try {
      Database::open(path, mode);
      FAIL("no error");
    } catch (const StoreError& e) {
      CHECK(e.kind() == StoreError::Kind::newer_schema);
      CHECK(e.exit_code() == ExitCode::data_error);
      CHECK_THAT(e.what(), Catch::Contains("newer trialwatch") && Catch::Contains("upgrade"));
    }
  }
}

TEST_CASE("a damaged database is reported as corrupt", "[store][database]") {
  TempDir dir;
  const auto path = dir.path() / "trialwatch.db";
  {
    auto db = Database::open(path, OpenMode::read_write);
    for (int i = 0; i < 200; ++i) db.set_meta("key" + std::to_string(i), std::string(500, 'v'));
  }
  // The check passed days ago: this open runs it again.
  sqlite(path,
         "UPDATE meta SET value = '2000-01-01T00:00:00Z' WHERE key = 'last_quick_check'; "
         "PRAGMA wal_checkpoint(TRUNCATE);");
  {
    // Overwrite the middle of the file (not the header) with noise.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 + 100);
    const std::string noise(6000, '\x5a');
    file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  const auto kind = error_kind_of(path, OpenMode::read_write);
  CHECK((kind == StoreError::Kind::corrupt || kind == StoreError::Kind::not_a_trialwatch_database));
}

TEST_CASE("a read-write open runs quick_check at most once a day and records when it passed", "[store][database]") {
  using trialwatch::core::format_rfc3339;
  TempDir dir;
  const auto path = dir.path() / "trialwatch.db";
  Database::open(path, OpenMode::read_write);
  expect_checked_just_now(path);  // a new database is checked at once

  SECTION("within the day, or a little ahead of the clock, the check is not run again") {
    for (const auto when : {system_clock::now() - hours(23), system_clock::now() + hours(23)}) {
      const auto recent = format_rfc3339(when);
      set_last_quick_check(path, recent);
      Database::open(path, OpenMode::read_write);
      CHECK(last_quick_check(path) == recent);
    }
  }
  SECTION("a day old, more than a day ahead (the clock jumped) or unreadable, it runs again") {
    for (const auto& stale : {format_rfc3339(system_clock::now() - hours(25)),
                              format_rfc3339(system_clock::now() + hours(49)), std::string("not a time")}) {
      INFO(stale);
      set_last_quick_check(path, stale);
      Database::open(path, OpenMode::read_write);
      expect_checked_just_now(path);
    }
  }
  SECTION("a read-only open never checks nor records") {
    sqlite(path, "DELETE FROM meta WHERE key = 'last_quick_check';");
    Database::open(path, OpenMode::read_only);
    CHECK_FALSE(last_quick_check(path).has_value());
  }
}

TEST_CASE("damage only quick_check sees passes an open within the day, and the daily check refuses it untouched",
          "[store][database]") {
  TempDir dir;
  const auto path = dir.path() / "trialwatch.db";
  Database::open(path, OpenMode::read_write);
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) "
        "INSERT INTO watchlist (nct_id, source, note, added_at) "
        "SELECT printf('NCT%08d', i), 'config', printf('%0200d', i), '2026-09-01T09:00:00Z' FROM n");
  }
  set_last_quick_check(path, trialwatch::core::format_rfc3339(system_clock::now() - hours(1)));
  damage_watch_list(path);

  // Within the day the check is skipped, so the open succeeds: the reads that meet the damage report it later.
  CHECK_NOTHROW(Database::open(path, OpenMode::read_write));

  const auto old = trialwatch::core::format_rfc3339(system_clock::now() - hours(48));
  set_last_quick_check(path, old);
  const auto damaged = trialwatch::testing::read_file(path);
  try {
    Database::open(path, OpenMode::read_write);
    FAIL("the damaged database was opened");
  } catch (const StoreError& e) {
    CHECK(e.kind() == StoreError::Kind::corrupt);
    CHECK(e.exit_code() == ExitCode::data_error);
    CHECK_THAT(e.what(), Catch::Contains("integrity check") && Catch::Contains("restore it from a backup"));
  }
  CHECK(trialwatch::testing::read_file(path) == damaged);  // not even the time of the check was written
  CHECK(last_quick_check(path) == old);
}
