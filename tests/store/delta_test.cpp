// SPDX-License-Identifier: MIT
// Versions are stored as zstd deltas against the version before, in chains of at most 16 frames.
#include "store/detail/version_codec.hpp"
#include "store/store_error.hpp"
#include "store/versions.hpp"
#include "tests/store/engine_database.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::Versions;

namespace {

const core::NctId k_id = *core::NctId::parse("NCT04280705");

// `count` successive sponsor versions of a real 1.1 MB record: each edits one date and appends a site.
std::vector<std::string> successive_versions(int count) {
  std::string document = testing::read_test_file("ctgov/studies/NCT04280705.v2026-08-19.json");
  std::vector<std::string> versions;
  for (int n = 0; n < count; ++n) {
    const auto at = document.find("\"lastUpdatePostDateStruct\"");
    document.insert(at, "\"edit" + std::to_string(n) + "\":" + std::to_string(n * 7919) + ",");
    versions.push_back(document);
  }
  return versions;
}

store::NewVersion version_of(const std::string& raw, int n) {
  return store::NewVersion{k_id, raw, "hash-" + std::to_string(n), {}, "t", testing::ManualClock().now(), {}, {}, {},
                           {},   {}};
}

// Store versions [from, to) of `versions` through fresh Versions on `database`; every other one comes
// with the latest stored document, read as the sync cycle reads it before a diff (so both the passed and the decoded
// prefix are exercised).
void store_versions(const testing::TestDatabase& database, const std::vector<std::string>& versions, int from, int to) {
  auto db = Database::open(database.location(), OpenMode::read_write);
  Versions stored(db);
  for (int n = from; n < to; ++n) {
    auto version = version_of(versions[n], n);
    if (n % 2 == 0) version.previous = stored.latest(k_id);
    CHECK(stored.record_version(version) == n + 1);
  }
}

struct Frame {
  int version;
  bool standalone;
  int base;
  std::size_t bytes;
};

std::string with_replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::vector<Frame> frames(const testing::TestDatabase& database) {
  std::vector<Frame> out;
  for (const auto& row : testing::select_rows(
           database,
           "SELECT version, CASE WHEN base IS NULL THEN 1 ELSE 0 END, coalesce(base, 0), length(document) "
           "FROM versions ORDER BY version"))
    out.push_back(Frame{std::stoi(row[0]), row[1] == "1", std::stoi(row[2]), std::stoul(row[3])});
  return out;
}

}  // namespace

TEST_CASE("every version reads back byte for byte across delta chains and restarts", "[store][delta]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  const auto versions = successive_versions(40);
  store_versions(database, versions, 0, 20);
  store_versions(database, versions, 20, 40);  // a restart: a new connection
  {
    auto db = Database::open(database.location(), OpenMode::read_write);
    const Versions stored(db);
    for (int n = 0; n < 40; ++n) CHECK(stored.document(k_id, n + 1) == versions[n]);
    CHECK(stored.latest(k_id)->raw_json == versions.back());
    CHECK_FALSE(stored.document(k_id, 41).has_value());
  }
  const auto stored = frames(database);
  REQUIRE(stored.size() == 40);
  std::size_t delta_bytes = 0;
  for (const auto& frame : stored) {
    const bool keyframe = (frame.version - 1) % 16 == 0;  // 1, 17, 33: at most 15 deltas follow a standalone frame
    CHECK(frame.standalone == keyframe);
    if (!keyframe) {
      CHECK(frame.base == frame.version - 1);
      delta_bytes += frame.bytes;
    }
  }
  const std::size_t raw_bytes = versions.front().size();
  CHECK(stored.front().bytes < raw_bytes / 5);  // a standalone frame: ordinary zstd
  CHECK(delta_bytes / 37 < 1000);               // a delta for a one-member edit of a 1.1 MB record
  CHECK(stored.front().bytes > 50 * (delta_bytes / 37));
}

TEST_CASE("a version whose delta base is gone is reported as damaged, not returned wrong", "[store][delta]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  const auto versions = successive_versions(5);
  store_versions(database, versions, 0, 5);
  testing::execute(database, "DELETE FROM versions WHERE version = 3");
  auto db = Database::open(database.location(), OpenMode::read_write);
  const Versions stored(db);
  CHECK(stored.document(k_id, 2) == versions[1]);
  try {
    (void)stored.document(k_id, 5);
    FAIL("a broken chain was decoded");
  } catch (const store::StoreError& e) {
    CHECK(e.kind() == store::StoreError::Kind::corrupt);
    CHECK_THAT(e.what(), Catch::Contains("NCT04280705 version 4") && Catch::Contains("restore a backup"));
  }
}

TEST_CASE("a delta stays small for an edit and for a version that brings much new text", "[store][delta]") {
  const std::string record = testing::read_test_file("ctgov/studies/NCT00763412.json");
  const std::string results = testing::read_test_file("ctgov/studies/NCT04267848.json");
  store::detail::VersionCodec codec;

  const std::string edited = with_replaced(record, "\"COMPLETED\"", "\"TERMINATED\"");
  const std::string edit_frame = codec.encode(edited, record);
  CHECK(codec.decode(edit_frame, record, "the edit") == edited);
  CHECK(edit_frame.size() < 200);

  // 369 KB of new JSON, matched within itself as well as against the version before.
  const std::string grown =
      with_replaced(record, "\"protocolSection\": {", "\"resultsSection\": " + results + ", \"protocolSection\": {");
  const std::string grown_frame = codec.encode(grown, record);
  CHECK(codec.decode(grown_frame, record, "the grown version") == grown);
  CHECK(grown_frame.size() < results.size() / 4);

  // A standalone frame, and the same codec back to a delta: nothing of one carries into the next.
  const std::string alone = codec.encode(record, {});
  CHECK(codec.decode(alone, {}, "the standalone version") == record);
  CHECK(store::detail::VersionCodec::dictionary_of(alone) == 0);
  CHECK(codec.encode(edited, record) == edit_frame);
}
