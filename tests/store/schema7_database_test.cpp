// SPDX-License-Identifier: MIT
// A database written by the schema 7 store (standalone frames compressed with a trained dictionary, deltas built
// from CopyFinder's copies; tests/data/store_schema7/README.md) reads back byte for byte and takes new versions.
#include "store/detail/version_codec.hpp"
#include "store/store_error.hpp"
#include "store/versions.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::Versions;

namespace {

// One line of versions.txt: a stored version and the SHA-256 of its exact bytes.
struct Expected {
  std::string nct_id;
  int version = 0;
  std::string sha256;
  std::string stored_as;  // standalone, standalone,dictionary=ID, delta,copies or delta,zstd
};

std::vector<Expected> expected_versions() {
  std::istringstream lines(testing::read_test_file("store_schema7/versions.txt"));
  std::vector<Expected> versions;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Expected e;
    std::size_t bytes = 0;
    fields >> e.nct_id >> e.version >> e.sha256 >> bytes >> e.stored_as;
    versions.push_back(e);
  }
  return versions;
}

std::string sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// A copy of the fixture database in `dir`, which the test may change.
std::filesystem::path copy_of_fixture(const testing::TempDir& dir) {
  const auto path = dir.path() / "history.db";
  std::filesystem::copy_file(testing::test_data_dir() / "store_schema7/history.db", path);
  return path;
}

core::NctId nct(const std::string& text) { return *core::NctId::parse(text); }

store::NewVersion new_version(const std::string& id, const std::string& raw, int n) {
  return store::NewVersion{
      nct(id), raw, fmt::format("new-{}", n), {}, "2026-12-02T09:00:00", testing::ManualClock().now(), {}, {}, {},
      {},      {}};
}

std::string with_replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The frame version `version` of `id` is stored as, read from outside the store's API.
std::string frame_of(const std::filesystem::path& path, const std::string& id, int version) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT document FROM versions WHERE nct_id = ? AND version = ?");
  query.bind(1, id);
  query.bind(2, version);
  REQUIRE(query.executeStep());
  return std::string(static_cast<const char*>(query.getColumn(0).getBlob()),
                     static_cast<std::size_t>(query.getColumn(0).getBytes()));
}

// Every version of the fixture reads back with the bytes it was stored with, through a new connection.
void check_fixture_versions(const std::filesystem::path& path, OpenMode mode) {
  auto db = Database::open(path, mode);
  const Versions versions(db);
  for (const auto& e : expected_versions()) {
    CAPTURE(e.nct_id, e.version, e.stored_as);
    const auto raw = versions.document(nct(e.nct_id), e.version);
    REQUIRE(raw);
    CHECK(sha256(*raw) == e.sha256);
  }
}

}  // namespace

TEST_CASE("the fixture holds what it stands for: dictionary frames and CopyFinder deltas", "[store][schema7]") {
  int dictionary_frames = 0;
  int copy_deltas = 0;
  int zstd_deltas = 0;
  int plain_frames = 0;
  for (const auto& e : expected_versions()) {
    dictionary_frames += e.stored_as.starts_with("standalone,dictionary=") ? 1 : 0;
    copy_deltas += e.stored_as == "delta,copies" ? 1 : 0;
    zstd_deltas += e.stored_as == "delta,zstd" ? 1 : 0;
    plain_frames += e.stored_as == "standalone" ? 1 : 0;
  }
  CHECK(dictionary_frames >= 3);
  CHECK(copy_deltas >= 10);
  CHECK(zstd_deltas >= 1);
  CHECK(plain_frames >= 1);
  testing::TempDir dir;
  const auto path = copy_of_fixture(dir);
  CHECK(SQLite::Database(path.string()).execAndGet("PRAGMA user_version").getInt() == 7);
  CHECK(store::detail::VersionCodec::dictionary_of(frame_of(path, "NCT03934567", 1)) != 0);
}

TEST_CASE("a schema 7 database reads back byte for byte and stores new versions on top", "[store][schema7]") {
  testing::TempDir dir;
  const auto path = copy_of_fixture(dir);
  check_fixture_versions(path, OpenMode::read_write);  // as the daemon opens it first, migrating it if need be

  // New versions: on a chain whose standalone frame names the dictionary (NCT00184067 17-18, NCT03934567 1-4), on
  // one whose standalone frame names none (NCT02552212 1-3), and a new study.
  const std::string fresh = testing::read_test_file("ctgov/studies/NCT04207047.json");
  std::vector<std::pair<std::string, std::string>> added;
  {
    auto db = Database::open(path, OpenMode::read_write);
    Versions versions(db);
    int n = 0;
    for (const auto& [id, number] :
         std::vector<std::pair<std::string, int>>{{"NCT00184067", 19}, {"NCT03934567", 5}, {"NCT02552212", 4}}) {
      auto latest = versions.latest(nct(id));
      REQUIRE(latest);
      const std::string raw = with_replaced(latest->raw_json, "\"briefSummary\"", "\"briefSummary\" ");
      auto version = new_version(id, raw, ++n);
      version.previous = std::move(latest);  // the delta is built against the bytes the old store wrote
      CHECK(versions.record_version(version) == number);
      added.emplace_back(id, raw);
    }
    CHECK(versions.record_version(new_version("NCT04207047", fresh, ++n)) == 1);
    added.emplace_back("NCT04207047", fresh);
  }
  // Written without a dictionary, and none trained.
  CHECK(store::detail::VersionCodec::dictionary_of(frame_of(path, "NCT04207047", 1)) == 0);
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("SELECT count(*) FROM dictionaries").getInt() == 1);
    CHECK(raw.execAndGet("SELECT count(*) FROM versions WHERE nct_id = 'NCT04207047' AND base IS NULL").getInt() == 1);
    CHECK(raw.execAndGet("SELECT count(*) FROM versions WHERE base IS NOT NULL AND ((nct_id = 'NCT00184067' AND "
                         "version = 19) OR (nct_id = 'NCT03934567' AND version = 5) OR (nct_id = 'NCT02552212' AND "
                         "version = 4))")
              .getInt() == 3);
  }
  // A new process reads the old versions and the new ones.
  check_fixture_versions(path, OpenMode::read_only);
  auto db = Database::open(path, OpenMode::read_only);
  const Versions versions(db);
  for (const auto& [id, raw] : added) {
    CAPTURE(id);
    const auto latest = versions.latest(nct(id));
    REQUIRE(latest);
    CHECK(latest->raw_json == raw);
  }
}

TEST_CASE("a frame naming a dictionary the database lacks is reported as damaged", "[store][schema7]") {
  testing::TempDir dir;
  const auto path = copy_of_fixture(dir);
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("DELETE FROM dictionaries");
  }
  auto db = Database::open(path, OpenMode::read_write);
  const Versions versions(db);
  CHECK(versions.document(nct("NCT02552212"), 3).has_value());  // its chain names no dictionary
  try {
    (void)versions.document(nct("NCT03934567"), 2);
    FAIL("a frame without its dictionary was read");
  } catch (const store::StoreError& error) {
    CHECK(error.kind() == store::StoreError::Kind::corrupt);
    CHECK_THAT(error.what(), Catch::Contains("NCT03934567 version 1") &&
                                 Catch::Contains("needs compression dictionary 422755452") &&
                                 Catch::Contains("restore a backup"));
  }
}

TEST_CASE("a damaged dictionary is reported as damaged", "[store][schema7]") {
  testing::TempDir dir;
  const auto path = copy_of_fixture(dir);
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE dictionaries SET content = zeroblob(length(content))");
  }
  auto db = Database::open(path, OpenMode::read_write);
  const Versions versions(db);
  CHECK_THROWS_WITH(versions.latest(nct("NCT07157670")),
                    Catch::Contains("compression dictionary 422755452 is damaged; restore a backup"));
}
