// SPDX-License-Identifier: MIT
// migrate_history: a whole history copied between engines, verified, and all or nothing.
#include "store/migration.hpp"

#include "diff/normalise.hpp"
#include "diff/website_text.hpp"
#include "store/deadlines.hpp"
#include "store/discoveries.hpp"
#include "store/outbox.hpp"
#include "store/registry_history.hpp"
#include "store/runs.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/store/engine_database.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using testing::TestDatabase;
using testing::TestEngine;

namespace {

const core::NctId k_long = *core::NctId::parse("NCT04280705");   // 18 versions: two delta chains, past versions
const core::NctId k_short = *core::NctId::parse("NCT06613490");  // one version

// The tables whose every column is text or integer: compared row for row across engines (rowid is not one).
const std::vector<std::string> k_plain_tables{
    "SELECT key, value FROM meta WHERE key NOT IN ('schema_version', 'writer', 'last_quick_check') ORDER BY key",
    "SELECT * FROM watchlist ORDER BY nct_id",
    "SELECT * FROM studies ORDER BY nct_id",
    "SELECT nct_id, version, fetched_at, data_timestamp, last_update_post_date, hash, raw_size, base FROM versions "
    "ORDER BY nct_id, version",
    "SELECT * FROM field_changes ORDER BY nct_id, version, seq",
    "SELECT id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new, summary, source, "
    "registry_version, posted_date FROM events ORDER BY rowid",
    "SELECT * FROM deliveries ORDER BY event_id, channel",
    "SELECT * FROM runs ORDER BY id",
    "SELECT * FROM searches ORDER BY name",
    "SELECT * FROM related ORDER BY subject, nct_id",
    "SELECT * FROM discoveries ORDER BY subject",
    "SELECT nct_id, registry_version, posted_date, overall_status, fetched_at, hash, raw_size, base FROM "
    "past_versions ORDER BY nct_id, registry_version",
    "SELECT * FROM backfills ORDER BY nct_id",
    "SELECT * FROM due_facts ORDER BY nct_id"};

// The hash trialwatchd records with a live version: of its normalised form.
std::string live_hash(std::string_view raw) {
  auto normalised = diff::normalise(raw);
  REQUIRE(normalised);
  return normalised->hash;
}

// The hash trialwatchd records with a past version: of its comparable form.
std::string past_hash(std::string_view raw) {
  auto comparable = diff::comparable_form(raw);
  REQUIRE(comparable);
  return diff::hash128_hex(*comparable);
}

// The hashes trialwatchd records with each document.
store::DocumentHashes recorded_hashes() { return {live_hash, past_hash}; }

// `count` successive sponsor versions of a real 1.1 MB record: each edits one date and adds a member.
std::vector<std::string> successive_versions(int count) {
  std::string document = testing::read_test_file("ctgov/studies/NCT04280705.v2026-08-19.json");
  std::vector<std::string> versions;
  for (int n = 0; n < count; ++n) {
    document.insert(document.find("\"lastUpdatePostDateStruct\""),
                    "\"edit" + std::to_string(n) + "\":" + std::to_string(n * 7919) + ",");
    versions.push_back(document);
  }
  return versions;
}

core::ChangeEvent change(core::EventType type, std::string summary) {
  return core::ChangeEvent{type,
                           core::Provenance::sponsor_update,
                           "protocolSection.statusModule.overallStatus",
                           "\"RECRUITING\"",
                           "\"COMPLETED\"",
                           std::move(summary)};
}

// A version of `id` whose bytes are `raw`, with one event sent to the channel "lab" (an outbox row).
store::NewVersion version_of(const core::NctId& id, const std::string& raw, const std::string& event_id) {
  store::NewVersion version{id,
                            raw,
                            live_hash(raw),
                            {},
                            "2026-09-01T09:00:05",
                            testing::ManualClock().now(),
                            {},
                            {change(core::EventType::status_changed, "Status: " + event_id)},
                            {event_id},
                            {{"lab"}},
                            std::nullopt};
  version.summary.overall_status = "RECRUITING";
  version.changes.push_back(core::FieldChange{
      core::FieldChange::Op::replace, "protocolSection.statusModule.overallStatus", "\"RECRUITING\"", "\"COMPLETED\""});
  return version;
}

// Write a history of every kind through the store's own API on `database`; return the live versions' bytes.
std::vector<std::string> write_history(const TestDatabase& database) {
  auto db = Database::open(database.location(), OpenMode::read_write);
  testing::ManualClock clock;
  store::WatchList(db).track(k_long, "config", "", clock.now());
  store::WatchList(db).track(k_short, "cli", "CD19 CAR-NK", clock.now());
  store::Runs runs(db);
  for (int n = 0; n < 3; ++n) {
    store::RunRecord run;
    run.id = runs.begin(clock.now());
    run.outcome = store::RunOutcome::ok;
    run.finished_at = "2026-09-01T09:00:09Z";
    run.requests = 3 + n;
    runs.finish(run);
  }
  runs.set_completed_data_timestamp("2026-09-01T09:00:05");
  const auto documents = successive_versions(18);
  store::Versions versions(db);
  for (std::size_t n = 0; n < documents.size(); ++n)
    REQUIRE(versions.record_version(version_of(k_long, documents[n], "e" + std::to_string(n))).has_value());
  const std::string other = testing::read_test_file("ctgov/studies/NCT00763412.json");
  REQUIRE(versions.record_version(version_of(k_short, other, "other")) == 1);
  store::Outbox(db).mark_delivered("e0", "lab", clock.now());

  store::RegistryHistory history(db);
  history.enqueue(k_long, store::BackfillMode::full, clock.now());
  std::vector<store::PastVersion> listed(3);
  for (int n = 0; n < 3; ++n) {
    listed[n].registry_version = n;
    listed[n].posted_date = "2020-0" + std::to_string(n + 1) + "-01";
    listed[n].overall_status = "RECRUITING";
  }
  history.record_list(k_long, listed, "2026-09-01T09:00:05", clock.now());
  for (int n = 0; n < 2; ++n) {  // r2 stays listed without its document
    auto past = listed[n];
    past.raw_json = documents[n];
    past.hash = past_hash(documents[n]);
    history.record_document(k_long, past, n > 0 ? std::optional(documents[n - 1]) : std::nullopt, "2026-09-01T09:00:05",
                            clock.now());
  }

  store::FoundStudy found{*core::NctId::parse("NCT07315503"),
                          false,
                          {},
                          "related-1",
                          {"lab"},
                          "A related trial",
                          7,
                          {"shares condition X"}};
  found.event = core::ChangeEvent{core::EventType::related_found, core::Provenance::tracking, {}, {}, "\"x\"", "found"};
  store::Discoveries(db).complete_discovery(k_long, {found}, "2026-09-01T09:00:05", clock.now());
  store::Discoveries(db).reject_search("s", "query.cond=x\n", "Unknown area name", "2026-09-01T09:00:05");

  store::DueDates due(k_long, 18);
  due.facts.overall_status = "COMPLETED";
  due.facts.completion = {"2020-05-21", "ACTUAL"};
  store::Deadlines(db).record({due});
  return documents;
}

// Return every row of the plain tables of `database`, as text.
std::vector<std::vector<std::vector<std::string>>> plain_rows(const TestDatabase& database) {
  std::vector<std::vector<std::vector<std::string>>> tables;
  for (const auto& sql : k_plain_tables) tables.push_back(testing::select_rows(database, sql));
  return tables;
}

// Migrate `from` into `to`, reading `page_rows` rows at a time; return the report.
store::MigrationReport migrate(const TestDatabase& from, const TestDatabase& to, std::int64_t page_rows = 500) {
  const auto source = Database::open(from.location(), OpenMode::read_only);
  auto target = Database::open(to.location(), OpenMode::read_write);
  return store::migrate_history(source, target, recorded_hashes(), page_rows);
}

// Return how many rows of the history `database` holds, over every table.
std::int64_t history_rows(const TestDatabase& database) {
  std::int64_t rows = 0;
  for (const auto& sql : k_plain_tables) rows += static_cast<std::int64_t>(testing::select_rows(database, sql).size());
  return rows;
}

// A history written to SQLite, and an empty database of another engine to migrate it into.
struct Migration {
  explicit Migration(TestEngine engine) : target(engine) { write_history(source); }
  TestDatabase source{TestEngine::sqlite};
  TestDatabase target;
};

}  // namespace

TEST_CASE("a history migrated from SQLite to PostgreSQL (or SQLite) and back keeps every row, document and run id",
          "[store][migration]") {
  const auto engine = GENERATE(TestEngine::postgres, TestEngine::sqlite);
  // A page of one row, pages that end mid-table (7), and a page that holds every table whole.
  const std::int64_t page_rows = GENERATE(1, 7, 500);
  INFO("engine in the middle: " << testing::engine_name(engine) << ", pages of " << page_rows << " rows");
  const TestDatabase sqlite(TestEngine::sqlite);
  const TestDatabase middle(engine);
  const TestDatabase back(TestEngine::sqlite);
  const auto documents = write_history(sqlite);
  const auto original = plain_rows(sqlite);
  REQUIRE(original[5].size() == 20);  // one event per version, and a related_found

  const auto there = migrate(sqlite, middle, page_rows);
  CHECK(there.rows("versions") == 19);
  CHECK(there.rows("events") == static_cast<std::int64_t>(original[5].size()));
  CHECK(there.rows("runs") == 3);
  CHECK(there.rows("past_versions") == 3);
  CHECK(there.documents == 19 + 2);
  CHECK(there.rows("meta") == 1);  // completed_data_timestamp; not the schema version nor quick_check
  CHECK(plain_rows(middle) == original);

  const auto home = migrate(middle, back, page_rows);
  for (const auto& copied : there.tables) CHECK(home.rows(copied.table) == copied.rows);
  CHECK(plain_rows(back) == original);

  for (const auto* database : {&middle, &back}) {
    INFO("database: " << database->location());
    auto db = Database::open(database->location(), OpenMode::read_only);
    store::Versions versions(db);
    for (std::size_t n = 0; n < documents.size(); ++n)
      CHECK(versions.document(k_long, static_cast<int>(n) + 1) == documents[n]);
    store::RegistryHistory history(db);
    CHECK(history.document(k_long, 1) == documents[1]);
    CHECK_FALSE(history.document(k_long, 2).has_value());
  }
  // The delta chains arrived as they were: a standalone frame at 1 and at 17.
  CHECK(testing::select_rows(middle, "SELECT version FROM versions WHERE base IS NULL ORDER BY nct_id, version") ==
        std::vector<std::vector<std::string>>{{"1"}, {"17"}, {"1"}});

  auto db = Database::open(middle.location(), OpenMode::read_write);
  CHECK(store::Runs(db).begin(testing::ManualClock().now()) == 4);
}

TEST_CASE("a migration into a database that holds a history is refused and changes nothing", "[store][migration]") {
  const auto engine = GENERATE(TestEngine::sqlite, TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const Migration m(engine);
  const auto& [source, target] = m;
  {
    auto db = Database::open(target.location(), OpenMode::read_write);
    store::WatchList(db).track(k_short, "cli", "", testing::ManualClock().now());
  }
  const auto before = plain_rows(target);
  try {
    migrate(source, target);
    FAIL("the migration was not refused");
  } catch (const store::StoreError& error) {
    CHECK_THAT(error.what(), Catch::Contains("already holds a trialwatch history") &&
                                 Catch::Contains("1 rows in watchlist") && Catch::Contains("new, empty database"));
    CHECK(error.exit_code() == core::ExitCode::data_error);
  }
  CHECK(plain_rows(target) == before);
}

TEST_CASE("a migration whose verification fails leaves the target empty", "[store][migration]") {
  const auto engine = GENERATE(TestEngine::sqlite, TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const Migration m(engine);
  const auto& [source, target] = m;
  SECTION("a version whose recorded hash is not its document's") {
    testing::execute(source, "UPDATE versions SET hash = 'not the hash' WHERE nct_id = 'NCT04280705' AND version = 9");
    CHECK_THROWS_WITH(migrate(source, target),
                      Catch::Contains("NCT04280705 version 9 does not have the hash recorded with it") &&
                          Catch::Contains("nothing was migrated"));
  }
  SECTION("a past version whose recorded hash is not its document's") {
    testing::execute(source, "UPDATE past_versions SET hash = 'x' WHERE registry_version = 1");
    CHECK_THROWS_WITH(migrate(source, target),
                      Catch::Contains("NCT04280705 registry version 1 does not have the hash recorded with it"));
  }
  SECTION("a damaged frame") {
    testing::execute(source, "UPDATE versions SET document = x'28b52ffd00' WHERE version = 3");
    CHECK_THROWS_AS(migrate(source, target), store::StoreError);
  }
  CHECK(history_rows(target) == 0);
  // The target is still usable: the same migration goes through once the source is sound.
  testing::execute(source, "DELETE FROM field_changes WHERE nct_id = 'NCT04280705'");
  testing::execute(source, "DELETE FROM versions WHERE nct_id = 'NCT04280705'");
  testing::execute(source, "DELETE FROM past_versions");
  CHECK(migrate(source, target).rows("versions") == 1);
}

TEST_CASE("PostgreSQL's views give dashboards the events and field changes as timestamptz and jsonb",
          "[store][postgres]") {
  const TestDatabase database(TestEngine::postgres);
  write_history(database);
  const auto one = [&](const std::string& sql) { return testing::select_rows(database, sql).at(0).at(0); };
  CHECK(one("SELECT pg_typeof(detected_at)::text || ' ' || pg_typeof(old)::text FROM event_log LIMIT 1") ==
        "timestamp with time zone jsonb");
  CHECK(one("SELECT pg_typeof(old)::text || ' ' || pg_typeof(new)::text FROM field_change_log LIMIT 1") ==
        "jsonb jsonb");
  // Every row, each value the same instant or the same JSON as the table's text.
  const auto events = one("SELECT count(*) FROM events");
  CHECK(events == "20");
  CHECK(
      one("SELECT count(*) FROM events e JOIN event_log l USING (id) WHERE l.detected_at = e.detected_at::timestamptz "
          "AND l.old IS NOT DISTINCT FROM e.old::jsonb AND l.new IS NOT DISTINCT FROM e.new::jsonb") == events);
  const auto changes = one("SELECT count(*) FROM field_changes");
  CHECK(changes == "19");
  CHECK(
      one("SELECT count(*) FROM field_change_log WHERE jsonb_typeof(new) = 'string' AND new #>> '{}' = 'COMPLETED'") ==
      changes);
}
