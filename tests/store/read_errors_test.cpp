// SPDX-License-Identifier: MIT
// A read that fails while a program runs (a page damaged after the open-time quick_check passed, a row holding a name
// store never writes) leaves the store as a StoreError with its exit code and a sentence, from every reader: never as
// a raw SQLite message and exit 1, nor as a guess.
#include "core/exit_code.hpp"
#include "store/database.hpp"
#include "store/discoveries.hpp"
#include "store/outbox.hpp"
#include "store/queries.hpp"
#include "store/runs.hpp"
#include "store/store_error.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/store/damaged_pages.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using testing::Pages;
using testing::pages_of;

namespace {

const core::NctId k_id = *core::NctId::parse("NCT06613490");

// A document of `bytes` hard-to-compress characters, so its stored frame spans several overflow pages.
std::string large_document(std::size_t bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text = "{\"protocolSection\":{\"noise\":\"";
  std::uint64_t state = 0x9e3779b97f4a7c15u;
  while (text.size() < bytes) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    text += k_alphabet[(state >> 58) & 63];
  }
  return text + "\"}}";
}

// Write a database with one tracked study, two stored versions of it (each with an event and an outbox row) and a
// saved search, then close it, so that every page is in the main file and none in the write-ahead log.
void build(const std::filesystem::path& path) {
  auto db = Database::open(path, OpenMode::read_write);
  const testing::ManualClock clock;
  store::WatchList(db).track(k_id, "config", "", clock.now());
  store::Versions versions(db);
  for (int n = 1; n <= 2; ++n) {
    store::NewVersion version{k_id,
                              large_document(40000 + 100 * static_cast<std::size_t>(n)),
                              "h" + std::to_string(n),
                              {},
                              "t",
                              clock.now(),
                              {},
                              {},
                              {},
                              {},
                              {}};
    version.events.push_back(
        core::ChangeEvent{core::EventType::last_updated, core::Provenance::sponsor_update, {}, {}, {}, "updated"});
    version.event_ids.push_back("event-" + std::to_string(n));
    version.channels.push_back({"lab"});
    REQUIRE(versions.record_version(version) == n);
  }
  store::Discoveries(db).complete_search({"s", "query.cond=x\n", "", "2026-08-20", "", ""}, {}, "t", clock.now());
}

// Overwrite `pages` of the file at `path` with garbage, behind SQLite's back, then commit a small write through
// another connection: every connection open on the file sees the database changed and drops its page cache, so its
// next read of those pages reads the damage.
void damage(const std::filesystem::path& path, const std::vector<std::int64_t>& pages) {
  testing::overwrite_pages(path, pages);
  SQLite::Database other(path.string(), SQLite::OPEN_READWRITE, 5000);
  other.exec("INSERT INTO meta(key, value) VALUES ('touched', 'by another connection')");
}

// Expect `read` to fail as a corrupt database does: StoreError, exit 65, a sentence that says what to do.
void expect_corrupt(const std::function<void()>& read) {
  try {
    read();
    FAIL("the damaged page was read without an error");
  } catch (const store::StoreError& error) {
    CHECK(error.kind() == store::StoreError::Kind::corrupt);
    CHECK(core::to_int(error.exit_code()) == 65);
    CHECK_THAT(error.what(), Catch::Contains("is corrupt") && Catch::Contains("restore it from a backup"));
  }
}

}  // namespace

TEST_CASE("a page damaged while the database is open fails each read with exit 65 and a sentence", "[store][faults]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  build(path);
  auto db = Database::open(path, OpenMode::read_write);  // quick_check passes: the damage comes later
  const store::WatchList watch_list(db);
  const store::Versions versions(db);
  const store::Discoveries discoveries(db);
  const store::Outbox outbox(db);
  const store::Queries queries(db);
  REQUIRE(versions.latest(k_id)->version == 2);  // every reader works before the damage
  REQUIRE(watch_list.entries().size() == 1);

  SECTION("a stored document's overflow pages") {
    damage(path, pages_of(path, "versions", Pages::overflow));
    CHECK(versions.study(k_id)->latest_version == 2);  // another table: still read
    CHECK(queries.versions(k_id).size() == 2);         // the rows' start: still read
    expect_corrupt([&] { (void)versions.latest(k_id); });
    expect_corrupt([&] { (void)versions.document(k_id, 1); });
  }
  SECTION("the studies table") {
    damage(path, pages_of(path, "studies", Pages::tree));
    expect_corrupt([&] { (void)versions.studies(); });
    expect_corrupt([&] { (void)versions.study(k_id); });
    expect_corrupt([&] { (void)watch_list.tracked_without_version(); });
  }
  SECTION("the watch list") {
    damage(path, pages_of(path, "watchlist", Pages::tree));
    expect_corrupt([&] { (void)watch_list.entries(); });
    expect_corrupt([&] { (void)discoveries.listed(); });
    expect_corrupt([&] { (void)discoveries.listed_from("config"); });
    expect_corrupt([&] { (void)queries.list(); });
  }
  SECTION("the saved searches") {
    damage(path, pages_of(path, "searches", Pages::tree));
    expect_corrupt([&] { (void)discoveries.search("s"); });
  }
  SECTION("the outbox") {
    damage(path, pages_of(path, "deliveries", Pages::tree));
    expect_corrupt([&] { (void)outbox.due(testing::ManualClock().now()); });
    expect_corrupt([&] { (void)outbox.counts(); });
  }
}

TEST_CASE("a study state or run outcome the store never writes fails each read with exit 65, not a guess",
          "[store][faults]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  build(path);
  auto db = Database::open(path, OpenMode::read_write);
  store::Runs runs(db);
  (void)runs.begin(testing::ManualClock().now());
  const store::Versions versions(db);
  const store::Queries queries(db);
  SQLite::Database other(path.string(), SQLite::OPEN_READWRITE, 5000);

  SECTION("a study state") {
    other.exec("UPDATE studies SET state = 'gone'");
    expect_corrupt([&] { (void)versions.studies(); });
    expect_corrupt([&] { (void)versions.study(k_id); });
    expect_corrupt([&] { (void)queries.list(); });
    CHECK_THROWS_WITH(versions.studies(), Catch::Contains("the study state 'gone'"));
  }
  SECTION("a run outcome") {
    other.exec("UPDATE runs SET outcome = 'done'");
    expect_corrupt([&] { (void)runs.last(); });
    expect_corrupt([&] { (void)queries.status(); });
    CHECK_THROWS_WITH(runs.last(), Catch::Contains("the run outcome 'done'"));
  }
}
