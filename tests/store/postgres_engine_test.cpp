// SPDX-License-Identifier: MIT
// What only the PostgreSQL engine does: its schema checks, read-only sessions, the writer's lock, bytea frames and
// reconnecting to a restarted server.
#include "store/database.hpp"
#include "store/postgres/engine.hpp"
#include "store/store_error.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/store/engine_database.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::StoreError;
using testing::TestDatabase;
using testing::TestEngine;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

// Return the StoreError `action` throws, or nothing if it throws none.
template <typename Action>
std::optional<StoreError> store_error_of(Action&& action) {
  try {
    action();
  } catch (const StoreError& error) {
    return error;
  }
  return std::nullopt;
}

// Return `size` bytes that zstd cannot compress (so its frames hold them as they are), every byte value among them.
std::string incompressible_bytes(std::size_t size) {
  std::string bytes;
  std::uint32_t state = 2463534242u;
  for (std::size_t i = 0; i < size; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    bytes += static_cast<char>(i < 256 ? i : state & 0xff);
  }
  return bytes;
}

store::NewVersion version_of(const std::string& raw, const std::string& hash) {
  return store::NewVersion{id("NCT04280705"), raw, hash, {}, "t", testing::ManualClock().now(), {}, {}, {}, {}, {}};
}

}  // namespace

TEST_CASE("a read-only open of a PostgreSQL database without a trialwatch schema says it is missing",
          "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  const auto error = store_error_of([&] { Database::open(database.location(), OpenMode::read_only); });
  REQUIRE(error);
  CHECK(error->kind() == StoreError::Kind::missing);
  CHECK_THAT(error->what(), Catch::Contains("no trialwatch schema") && Catch::Contains("--db"));
  CHECK(testing::select_integer(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0);
}

TEST_CASE("a PostgreSQL database of a newer schema is refused in both modes with advice to upgrade",
          "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  Database::open(database.location(), OpenMode::read_write);
  testing::execute(database, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  for (const auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    const auto error = store_error_of([&] { Database::open(database.location(), mode); });
    REQUIRE(error);
    CHECK(error->kind() == StoreError::Kind::newer_schema);
    CHECK_THAT(error->what(), Catch::Contains("newer trialwatch") && Catch::Contains("upgrade"));
  }
  CHECK(testing::select_integer(database, "SELECT CAST(value AS integer) FROM meta WHERE key = 'schema_version'") ==
        99);
}

TEST_CASE("a PostgreSQL database of schema 1 is refused to readers and upgraded by a writer, its rows kept",
          "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  {
    auto db = Database::open(database.location(), OpenMode::read_write);
    store::WatchList(db).track(id("NCT06613490"), "config", "", testing::ManualClock().now());
  }
  // Schema 1 as the first release wrote it: without the field_change_log view.
  testing::execute(database, "DROP VIEW field_change_log");
  testing::execute(database, "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  const auto error = store_error_of([&] { Database::open(database.location(), OpenMode::read_only); });
  REQUIRE(error);
  CHECK(error->kind() == StoreError::Kind::older_schema);
  CHECK_THAT(error->what(), Catch::Contains("schema 1") && Catch::Contains("start trialwatchd once"));

  auto db = Database::open(database.location(), OpenMode::read_write);
  CHECK(db.schema_version() == store::postgres::latest_schema_version());
  CHECK(testing::select_integer(database, "SELECT count(*) FROM field_change_log") == 0);
  CHECK(testing::select_integer(database, "SELECT count(*) FROM watchlist") == 1);
}

TEST_CASE("a PostgreSQL schema version trialwatch never writes is one sentence, not a crash", "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  Database::open(database.location(), OpenMode::read_write);
  testing::execute(database, "UPDATE meta SET value = 'nine' WHERE key = 'schema_version'");
  for (const auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    const auto error = store_error_of([&] { Database::open(database.location(), mode); });
    REQUIRE(error);
    CHECK(error->kind() == StoreError::Kind::not_a_trialwatch_database);
    CHECK_THAT(error->what(), Catch::Contains("'nine'") && Catch::Contains("its own database"));
  }
}

TEST_CASE("a read-only PostgreSQL session refuses a write and writes nothing", "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  Database::open(database.location(), OpenMode::read_write);
  auto reader = Database::open(database.location(), OpenMode::read_only);
  store::WatchList watch_list(reader);
  const auto error =
      store_error_of([&] { watch_list.track(id("NCT06613490"), "cli", "", testing::ManualClock().now()); });
  REQUIRE(error);
  CHECK(error->kind() == StoreError::Kind::access_denied);
  CHECK(testing::select_integer(database, "SELECT count(*) FROM watchlist") == 0);
  CHECK(watch_list.entries().empty());  // the session still reads after the refused write
}

TEST_CASE("one PostgreSQL writer at a time: a second claim names the holder, and succeeds once the first is gone",
          "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  auto second = Database::open(database.location(), OpenMode::read_write);
  {
    auto first = Database::open(database.location(), OpenMode::read_write);
    first.claim_writer("host a PID 1");
    first.claim_writer("host a PID 1");  // a session holding the lock may claim it again
    const auto error = store_error_of([&] { second.claim_writer("host b PID 2"); });
    REQUIRE(error);
    CHECK(error->kind() == StoreError::Kind::locked);
    CHECK_THAT(error->what(), Catch::Contains("host a PID 1"));
    CHECK(first.get_meta("writer") == "host a PID 1");
    // The holder's own name from another session: its lost connection still holds the lock, a wait to retry.
    const auto own = store_error_of([&] { second.claim_writer("host a PID 1"); });
    REQUIRE(own);
    CHECK(own->kind() == StoreError::Kind::unreachable);
    CHECK_THAT(own->what(), Catch::Contains("lost connection") && Catch::Contains("trying again"));
  }
  CHECK_NOTHROW(second.claim_writer("host b PID 2"));
  CHECK(second.get_meta("writer") == "host b PID 2");
  auto third = Database::open(database.location(), OpenMode::read_write);
  const auto refused = store_error_of([&] { third.claim_writer("host c PID 3"); });
  REQUIRE(refused);
  CHECK(refused->kind() == StoreError::Kind::locked);
}

TEST_CASE("frames with zero bytes and high bytes are stored as bytea and read back byte for byte",
          "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  const std::string first = incompressible_bytes(8192);
  std::string second = first;
  second[100] = '\0';
  second += std::string(3, '\xff') + std::string(3, '\0');
  {
    auto db = Database::open(database.location(), OpenMode::read_write);
    store::Versions versions(db);
    REQUIRE(versions.record_version(version_of(first, "h1")) == 1);
    REQUIRE(versions.record_version(version_of(second, "h2")) == 2);  // a delta against the first
  }
  // The standalone frame holds the bytes as they are: every value, zero and 0xff included.
  CHECK(testing::select_integer(database,
                                "SELECT count(*) FROM versions WHERE base IS NULL AND length(document) > 8192 AND "
                                "position('\\x00'::bytea IN document) > 0 AND "
                                "position('\\xff'::bytea IN document) > 0") == 1);
  CHECK(testing::select_integer(database, "SELECT count(*) FROM versions WHERE base = 1") == 1);
  auto reader = Database::open(database.location(), OpenMode::read_only);
  const store::Versions versions(reader);
  CHECK(versions.document(id("NCT04280705"), 1) == first);
  CHECK(versions.document(id("NCT04280705"), 2) == second);
  CHECK(versions.latest(id("NCT04280705"))->raw_json == second);
}

TEST_CASE("a read after the PostgreSQL server restarted reconnects and succeeds", "[store][postgres]") {
  testing::PostgresServer server;  // its own: stopping the shared one would cut the other tests' databases
  auto db = Database::open(server.uri(), OpenMode::read_write);
  db.claim_writer("host a PID 1");
  store::WatchList watch_list(db);
  REQUIRE(watch_list.track(id("NCT06613490"), "cli", "", testing::ManualClock().now()));
  REQUIRE(watch_list.size() == 1);
  // The test server commits asynchronously (synchronous_commit off), and an immediate shutdown drops WAL not yet
  // written: a checkpoint makes what was committed survive the restart, as on a real server.
  store::postgres::Connection::open(server.uri()).exec("CHECKPOINT");
  server.stop();
  server.start();
  CHECK(watch_list.size() == 1);
  CHECK(watch_list.entries().at(0).id == id("NCT06613490"));
  // The writer's lock came back with the new session: another writer is still kept out.
  auto other = Database::open(server.uri(), OpenMode::read_write);
  const auto refused = store_error_of([&] { other.claim_writer("host b PID 2"); });
  REQUIRE(refused);
  CHECK(refused->kind() == StoreError::Kind::locked);
  // And writes work again.
  CHECK(watch_list.track(id("NCT07315503"), "cli", "", testing::ManualClock().now()));
  CHECK(watch_list.size() == 2);
}

TEST_CASE("a writer whose session was cut writes nothing more until it holds its lock again", "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  auto db = Database::open(database.location(), OpenMode::read_write);
  db.claim_writer("host x PID 9");
  store::WatchList watch_list(db);
  REQUIRE(watch_list.track(id("NCT06613490"), "cli", "", testing::ManualClock().now()));

  // The writer's session is cut, and the lock is held meanwhile in its name: as when the server has not yet seen
  // a lost session of the writer die.
  const std::string the_lock = "locktype = 'advisory' AND classid = 0 AND objid = 1415005015 AND granted";
  testing::execute(database, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE " + the_lock);
  auto stale = store::postgres::Connection::open(database.location());
  REQUIRE(stale.exec("SELECT pg_try_advisory_lock(1415005015)").text(0, 0) == "t");

  for (int attempt = 0; attempt < 2; ++attempt) {  // the service's retries: each one waits, none writes
    const auto error = store_error_of([&] { watch_list.track(id("NCT07315503"), "cli", "", {}); });
    REQUIRE(error);
    CHECK(error->kind() == StoreError::Kind::unreachable);
    CHECK_THAT(error->what(), Catch::Contains("still holds this daemon's writer lock"));
  }
  CHECK(testing::select_integer(database, "SELECT count(*) FROM watchlist") == 1);

  stale = store::postgres::Connection::open(database.location());  // the lost session ends, and its lock with it
  CHECK(watch_list.track(id("NCT07315503"), "cli", "", testing::ManualClock().now()));
  CHECK(testing::select_integer(database, "SELECT count(*) FROM watchlist") == 2);
  CHECK(testing::select_integer(database, "SELECT count(*) FROM pg_locks WHERE " + the_lock) == 1);
  CHECK(db.get_meta("writer") == "host x PID 9");
}
