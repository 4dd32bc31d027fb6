// SPDX-License-Identifier: MIT
// Standalone versions are compressed with a zstd dictionary the store trains from the first documents it stores.
#include "store/history.hpp"
#include "store/store_error.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

using namespace trialwatch;
using store::Database;
using store::History;
using store::OpenMode;

namespace {

// The recorded studies, one document each.
std::vector<std::string> recorded_studies() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(testing::test_data_dir() / "ctgov/studies"))
    paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> documents;
  for (const auto& path : paths) documents.push_back(testing::read_file(path));
  return documents;
}

core::NctId study(int n) { return *core::NctId::parse(fmt::format("NCT{:08}", 10000000 + n)); }

// The first version of study `n`, with one event whose id is `event_id`.
store::NewVersion first_version(int n, const std::string& raw, const std::string& event_id) {
  store::NewVersion version{
      study(n), raw, fmt::format("hash-{}", n), {}, "2026-09-01T09:00:05", testing::ManualClock().now(), {}, {},
      {},       {}};
  version.events.push_back(
      core::ChangeEvent{core::EventType::study_tracked, core::Provenance::tracking, "", "", "", "tracking started"});
  version.event_ids.push_back(event_id);
  return version;
}

std::int64_t count(const std::filesystem::path& path, const char* sql) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

std::int64_t frame_bytes(const std::filesystem::path& path, int n) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT length(document) FROM versions WHERE nct_id = ? AND version = 1");
  query.bind(1, study(n).str());
  REQUIRE(query.executeStep());
  return query.getColumn(0).getInt64();
}

// Every stored study reads back as `documents[n % size]`, through a new read-only connection (nothing cached).
void check_documents(const std::filesystem::path& path, const std::vector<std::string>& documents, int studies) {
  auto db = Database::open(path, OpenMode::read_only);
  History history(db);
  for (int n = 0; n < studies; ++n) {
    const auto raw = history.document(study(n));
    REQUIRE(raw);
    CHECK(*raw == documents[static_cast<std::size_t>(n) % documents.size()]);
  }
}

// Store every recorded study once more per round, under new NCT IDs from `stored` on, one transaction a round, until
// the database holds a dictionary (at most 40 rounds); return the new `stored`.
int store_until_dictionary(const std::filesystem::path& path, History& history,
                           const std::vector<std::string>& documents, int stored) {
  for (int round = 0; round < 40 && count(path, "SELECT count(*) FROM dictionaries") == 0; ++round) {
    std::vector<store::NewVersion> batch;
    for (std::size_t i = 0; i < documents.size(); ++i, ++stored)
      batch.push_back(first_version(stored, documents[i], fmt::format("e{}", stored)));
    history.record_versions(batch);
  }
  return stored;
}

// The same, through a new process's History.
int store_until_dictionary(const std::filesystem::path& path, const std::vector<std::string>& documents, int stored) {
  auto db = Database::open(path, OpenMode::read_write);
  History history(db);
  return store_until_dictionary(path, history, documents, stored);
}

}  // namespace

TEST_CASE("standalone versions are compressed with a dictionary trained from the first documents stored",
          "[store][dictionary]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  const auto documents = recorded_studies();
  const int per_round = static_cast<int>(documents.size());
  int stored = 0;
  {
    auto db = Database::open(path, OpenMode::read_write);
    History history(db);
    stored = store_until_dictionary(path, history, documents, stored);
    REQUIRE(count(path, "SELECT count(*) FROM dictionaries") == 1);
    // One more round, all after the dictionary.
    std::vector<store::NewVersion> batch;
    for (int i = 0; i < per_round; ++i, ++stored)
      batch.push_back(first_version(stored, documents[static_cast<std::size_t>(i)], fmt::format("e{}", stored)));
    history.record_versions(batch);
  }
  // The same document is stored in fewer bytes with the dictionary than before it.
  const int last_round = stored - per_round;
  std::int64_t before = 0;
  std::int64_t after = 0;
  for (int i = 0; i < per_round; ++i) {
    before += frame_bytes(path, i);
    after += frame_bytes(path, last_round + i);
  }
  CHECK(after < before);
  CHECK(frame_bytes(path, last_round + per_round - 1) < frame_bytes(path, per_round - 1));  // the smallest study
  check_documents(path, documents, stored);
  // A new process uses the stored dictionary instead of training another.
  {
    auto db = Database::open(path, OpenMode::read_write);
    History history(db);
    history.record_versions({first_version(stored, documents[0], "late")});  // stored is a multiple of per_round
    ++stored;
  }
  CHECK(count(path, "SELECT count(*) FROM dictionaries") == 1);
  CHECK(frame_bytes(path, stored - 1) == frame_bytes(path, last_round));
  check_documents(path, documents, stored);
}

TEST_CASE("a dictionary is trained from documents earlier processes stored, too", "[store][dictionary]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  const auto documents = recorded_studies();
  // Each process stores one round (well under the samples a dictionary needs), as a daily `--once` run of a growing
  // watch list, or the first run after an upgrade from a database without dictionaries, would.
  int stored = 0;
  int processes = 0;
  for (; processes < 40 && (processes == 0 || count(path, "SELECT count(*) FROM dictionaries") == 0); ++processes) {
    auto db = Database::open(path, OpenMode::read_write);
    History history(db);
    std::vector<store::NewVersion> batch;
    for (std::size_t i = 0; i < documents.size(); ++i, ++stored)
      batch.push_back(first_version(stored, documents[i], fmt::format("e{}", stored)));
    history.record_versions(batch);
  }
  CHECK(processes > 1);
  REQUIRE(count(path, "SELECT count(*) FROM dictionaries") == 1);
  // The samples came from several processes' documents.
  CHECK(count(path, "SELECT documents FROM dictionaries") > static_cast<std::int64_t>(documents.size()));
  check_documents(path, documents, stored);
}

TEST_CASE("a dictionary whose transaction rolled back is written again before a frame names it",
          "[store][dictionary]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  const auto documents = recorded_studies();
  const int per_round = static_cast<int>(documents.size());
  const std::string& probe = documents.back();  // 6 KB: the batches, ~1 MB of samples each, reach the threshold
  auto db = Database::open(path, OpenMode::read_write);
  History history(db);
  history.record_versions({first_version(0, probe, "first")});
  const auto probe_bytes = frame_bytes(path, 0);
  int stored = 1;
  int next_id = 1000;
  // Every batch ends with a version the store refuses, so it rolls back; its samples stay with the process,
  // which trains the dictionary inside one of them. A probe after each batch shows when it did: its frame shrinks.
  bool compressed_with_dictionary = false;
  for (int round = 0; round < 40 && !compressed_with_dictionary; ++round) {
    std::vector<store::NewVersion> batch;
    for (int i = 0; i < per_round; ++i, ++next_id)
      batch.push_back(first_version(next_id, documents[static_cast<std::size_t>(i)], fmt::format("e{}", next_id)));
    batch.push_back(first_version(next_id++, probe, "refused"));
    batch.back().event_ids.clear();  // an event without its id: the store refuses the version
    CHECK_THROWS_AS(history.record_versions(batch), store::StoreError);
    CHECK(count(path, "SELECT count(*) FROM dictionaries") == 0);
    history.record_versions({first_version(stored, probe, fmt::format("probe{}", stored))});
    compressed_with_dictionary = frame_bytes(path, stored) < probe_bytes;
    ++stored;
  }
  REQUIRE(compressed_with_dictionary);
  CHECK(count(path, "SELECT count(*) FROM dictionaries") == 1);
  // It was trained inside a refused batch, not in a probe's own transaction: each round adds per_round + 2
  // documents to the samples (the batch, the refused version, the probe) after the first study's one, so a
  // dictionary trained at a probe would have counted 1 + rounds * (per_round + 2).
  CHECK((count(path, "SELECT documents FROM dictionaries") - 1) % (per_round + 2) != 0);
  CHECK(count(path, "SELECT count(*) FROM versions") == stored);
  // Every probe decodes in a new process, the one whose frame names the rewritten dictionary included.
  check_documents(path, {probe}, stored);
}

TEST_CASE("a version naming a dictionary the database lacks is reported as damaged, even after a new one",
          "[store][dictionary]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  const auto documents = recorded_studies();
  int stored = store_until_dictionary(path, documents, 0);
  const auto lost = count(path, "SELECT id FROM dictionaries");
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("DELETE FROM dictionaries");
    // And the first 100 studies, so the next dictionary is trained from other samples: one trained from the same
    // samples is the same dictionary, with the same ID, and reads the frames correctly.
    raw.exec("DELETE FROM versions WHERE nct_id < '" + study(100).str() + "'");
  }
  const int last_with_lost = stored - 1;
  // A new process trains another dictionary, from the frames that name none (the others are skipped), under
  // another ID: the frames that name the lost one must not be read with it.
  stored = store_until_dictionary(path, documents, stored);
  REQUIRE(count(path, "SELECT count(*) FROM dictionaries") == 1);
  CHECK(count(path, "SELECT id FROM dictionaries") != lost);
  auto db = Database::open(path, OpenMode::read_only);
  History history(db);
  CHECK(history.document(study(100)) == documents[100 % documents.size()]);  // stored before any dictionary
  CHECK(history.document(study(stored - 1)) == documents[static_cast<std::size_t>(stored - 1) % documents.size()]);
  try {
    (void)history.document(study(last_with_lost));
    FAIL("a frame without its dictionary was read");
  } catch (const store::StoreError& error) {
    CHECK(error.kind() == store::StoreError::Kind::corrupt);
    CHECK_THAT(error.what(), Catch::Contains(fmt::format("needs compression dictionary {}", lost)) &&
                                 Catch::Contains("restore a backup"));
  }
}

TEST_CASE("a damaged dictionary is reported as damaged", "[store][dictionary]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  const auto documents = recorded_studies();
  int stored = store_until_dictionary(path, documents, 0);
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE dictionaries SET content = zeroblob(length(content))");
  }
  auto db = Database::open(path, OpenMode::read_only);
  History history(db);
  CHECK_THROWS_WITH(history.document(study(stored - 1)),
                    Catch::Contains("compression dictionary") && Catch::Contains("is damaged; restore a backup"));
}
