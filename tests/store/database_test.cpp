// SPDX-License-Identifier: MIT
#include "store/database.hpp"

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

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

}  // namespace

TEST_CASE("a new database is created, migrated, in WAL mode, and reopens idempotently", "[store][database]") {
  TempDir dir;
  const auto path = dir.path() / "trialwatch.db";
  {
    auto db = Database::open(path, OpenMode::read_write);
    CHECK(db.schema_version() == Database::latest_schema_version());
    db.set_meta("completed_data_timestamp", "2026-09-01T09:00:05");
  }
  const auto mode = trialwatch::testing::run_process({"/usr/bin/sqlite3", path.string(), "PRAGMA journal_mode;"});
  CHECK(mode.output == "wal\n");
  auto again = Database::open(path, OpenMode::read_write);
  CHECK(again.schema_version() == Database::latest_schema_version());
  CHECK(again.get_meta("completed_data_timestamp") == "2026-09-01T09:00:05");
  CHECK_FALSE(again.get_meta("nothing").has_value());
  auto reader = Database::open(path, OpenMode::read_only);
  CHECK(reader.get_meta("completed_data_timestamp") == "2026-09-01T09:00:05");
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
  sqlite(path, "PRAGMA wal_checkpoint(TRUNCATE);");
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
