// SPDX-License-Identifier: MIT
#include "store/registry_history.hpp"

#include "store/event_json.hpp"
#include "store/queries.hpp"
#include "store/watch_list.hpp"
#include "tests/store/engine_database.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace trialwatch;
using namespace std::chrono_literals;
using store::BackfillMode;
using store::Database;
using store::OpenMode;
using store::PastVersion;
using store::RegistryHistory;

namespace {

const auto k_id = *core::NctId::parse("NCT04280705");

// Listed version `n` with one status event, as the list gives it.
PastVersion listed(int n, const std::string& status) {
  PastVersion version;
  version.registry_version = n;
  version.posted_date = fmt::format("2020-{:02}-01", n + 1);
  version.overall_status = status;
  version.events.events.push_back(core::ChangeEvent{
      core::EventType::status_changed, core::Provenance::registry_history, "protocolSection.statusModule.overallStatus",
      "\"NOT_YET_RECRUITING\"", "\"" + status + "\"", "Status: " + status});
  version.events.ids.push_back(fmt::format("past-{}", n));
  return version;
}

// A document of version `n`: mostly the same bytes each time, as a sponsor's versions are.
std::string document_of(int n) {
  return fmt::format(R"({{"protocolSection":{{"identificationModule":{{"nctId":"NCT04280705"}},)"
                     R"("statusModule":{{"overallStatus":"RECRUITING","version":{}}},"text":"{}"}}}})",
                     n, std::string(4000, 'x'));
}

std::size_t events_of(const Database& db) { return store::Queries(db).events({}).size(); }

}  // namespace

TEST_CASE("a status backfill stores the list and its events once, with the registry's numbers and dates",
          "[store][history]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  const testing::ManualClock clock;
  store::WatchList(db).track(k_id, "cli", "", clock.now());
  RegistryHistory history(db);
  history.enqueue(k_id, BackfillMode::status, clock.now());
  const auto due = history.due(clock.now(), 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].mode == BackfillMode::status);
  CHECK_FALSE(due[0].known.has_value());

  const std::vector<PastVersion> list{listed(0, "NOT_YET_RECRUITING"), listed(1, "RECRUITING")};
  history.record_list(k_id, list, "2026-09-01T09:00:05", clock.now());
  history.record_list(k_id, list, "2026-09-01T09:00:05", clock.now());  // a re-run adds nothing
  CHECK(history.due(clock.now() + 1h, 10).empty());                     // status mode: done with the list
  REQUIRE(history.versions(k_id).size() == 2);
  CHECK(history.versions(k_id)[1].posted_date == "2020-02-01");
  CHECK_FALSE(history.document(k_id, 1).has_value());  // listed, not fetched: nothing, not damage
  CHECK_FALSE(history.document(k_id, 7).has_value());  // never listed
  const auto events = store::Queries(db).events({});
  REQUIRE(events.size() == 2);
  const auto json = store::event_json(events[0].registry_version == 1 ? events[0] : events[1]);
  CHECK_THAT(json, Catch::Contains(R"("provenance":"registry_history")") &&
                       Catch::EndsWith(R"("source":"cli","registry_version":1,"posted_date":"2020-02-01"})"));
  CHECK(history.progress().waiting == 0);
}

TEST_CASE("a full backfill stores every past document byte-exact, as deltas, and finishes once", "[store][history]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  const testing::ManualClock clock;
  constexpr int k_versions = 40;
  std::vector<PastVersion> list;
  for (int n = 0; n < k_versions; ++n) list.push_back(listed(n, "RECRUITING"));
  {
    auto db = Database::open(database.location(), OpenMode::read_write);
    RegistryHistory history(db);
    history.enqueue(k_id, BackfillMode::full, clock.now());
    history.record_list(k_id, list, "2026-09-01T09:00:05", clock.now());
    CHECK(history.due(clock.now(), 10).size() == 1);
    for (int n = 0; n < k_versions / 2; ++n) {
      auto version = list[static_cast<std::size_t>(n)];
      version.raw_json = document_of(n);
      version.events = {};
      history.record_document(k_id, version, n > 0 ? std::optional(document_of(n - 1)) : std::nullopt,
                              "2026-09-01T09:00:05", clock.now());
    }
    CHECK(history.progress().fetched == k_versions / 2);
    // The next version is listed and not fetched yet, after stored ones: nothing, not a damaged chain; nor one
    // after it, whose chain passes the unfetched one.
    CHECK_FALSE(history.document(k_id, k_versions / 2).has_value());
    CHECK_FALSE(history.document(k_id, k_versions / 2 + 1).has_value());
    CHECK_FALSE(history.document(k_id, k_versions + 5).has_value());  // never listed
  }
  // A restart in the middle: what is stored stays, the rest is still due.
  auto db = Database::open(database.location(), OpenMode::read_write);
  RegistryHistory history(db);
  const auto due = history.due(clock.now(), 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].fetched == k_versions / 2);
  CHECK(due[0].known == k_versions);
  for (int n = k_versions / 2; n < k_versions; ++n) {
    auto version = list[static_cast<std::size_t>(n)];
    version.raw_json = document_of(n);
    version.events = {};
    history.record_document(k_id, version, document_of(n - 1), "2026-09-01T09:00:05", clock.now());
  }
  const auto events_before = events_of(db);
  auto again = list[3];
  again.raw_json = document_of(3);
  history.record_document(k_id, again, document_of(2), "2026-09-01T09:00:05", clock.now());
  CHECK(events_of(db) == events_before);
  CHECK(history.due(clock.now() + 1h, 10).empty());
  const auto progress = history.progress();
  CHECK(progress.waiting == 0);
  CHECK(progress.known == k_versions);
  CHECK(progress.fetched == k_versions);
  for (int n = 0; n < k_versions; ++n) CHECK(history.document(k_id, n) == document_of(n));
  // Deltas: forty 4 KB documents that differ in a digit take far less than forty standalone frames.
  CHECK(testing::select_integer(database, "SELECT count(*) FROM past_versions WHERE base IS NOT NULL") >
        k_versions / 2);
  CHECK(testing::select_integer(database, "SELECT sum(length(document)) FROM past_versions") < 40 * 1024);
  if (engine == testing::TestEngine::sqlite) CHECK(std::filesystem::file_size(database.location()) < 400u * 1024u);
}

TEST_CASE("a failed backfill waits until its retry time and says why, and full reopens a status backfill",
          "[store][history]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  const testing::ManualClock clock;
  RegistryHistory history(db);
  history.enqueue(k_id, BackfillMode::status, clock.now());
  history.record_failure(k_id, "the registry answered 403", clock.now() + 10min);
  CHECK(history.due(clock.now() + 5min, 10).empty());
  REQUIRE(history.due(clock.now() + 10min, 10).size() == 1);
  CHECK(history.due(clock.now() + 10min, 10)[0].failures == 1);
  CHECK(history.progress().failing == 1);
  CHECK(history.progress().last_error == "the registry answered 403");

  history.record_list(k_id, {listed(0, "RECRUITING")}, "2026-09-01T09:00:05", clock.now());
  CHECK(history.due(clock.now() + 1h, 10).empty());
  history.enqueue(k_id, BackfillMode::status, clock.now());  // never downgrades or reopens
  CHECK(history.due(clock.now() + 1h, 10).empty());
  history.enqueue(k_id, BackfillMode::full, clock.now());  // full asks for the documents too
  const auto due = history.due(clock.now() + 1h, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].mode == BackfillMode::full);
  CHECK(due[0].failures == 0);
}

TEST_CASE("a postponed backfill waits without counting a failure", "[store][history]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  const testing::ManualClock clock;
  RegistryHistory history(db);
  history.enqueue(k_id, BackfillMode::full, clock.now());
  history.postpone(k_id, clock.now() + 10min);
  CHECK(history.due(clock.now() + 5min, 10).empty());
  const auto due = history.due(clock.now() + 10min, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].failures == 0);
  CHECK(history.progress().failing == 0);
  CHECK(history.progress().waiting == 1);
}

TEST_CASE("tracked studies are queued once, in the mode of why they are tracked", "[store][history]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  const testing::ManualClock clock;
  store::WatchList watch_list(db);
  watch_list.track(k_id, "config", "", clock.now());
  watch_list.track(*core::NctId::parse("NCT06613490"), "cli", "", clock.now());
  watch_list.track(*core::NctId::parse("NCT07315503"), "search:car-t", "", clock.now());
  RegistryHistory history(db);
  CHECK(history.enqueue_tracked(std::nullopt, std::nullopt, clock.now()) == 0);
  CHECK(history.enqueue_tracked(BackfillMode::full, std::nullopt, clock.now()) == 2);
  CHECK(history.enqueue_tracked(BackfillMode::full, BackfillMode::status, clock.now()) == 1);
  CHECK(history.enqueue_tracked(BackfillMode::full, BackfillMode::status, clock.now()) == 0);
  const auto due = history.due(clock.now(), 10);
  REQUIRE(due.size() == 3);
  for (const auto& task : due)
    CHECK(task.mode == (task.id.str() == "NCT07315503" ? BackfillMode::status : BackfillMode::full));
}
