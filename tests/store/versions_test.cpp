// SPDX-License-Identifier: MIT
#include "store/versions.hpp"

#include "store/queries.hpp"
#include "store/watch_list.hpp"
#include "tests/store/engine_database.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_database.hpp"

#include <catch2/catch.hpp>

#include <numeric>

using namespace trialwatch;
using store::Database;
using store::OpenMode;
using store::Versions;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

store::NewVersion version_of(const char* nct, const std::string& raw, const std::string& hash,
                             std::vector<core::ChangeEvent> events = {}) {
  store::NewVersion v{id(nct),           raw, hash, {}, "2026-09-01T09:00:05", testing::ManualClock().now(), {},
                      std::move(events), {},  {},   {}};
  for (std::size_t i = 0; i < v.events.size(); ++i) v.event_ids.push_back(hash + "-event-" + std::to_string(i));
  v.summary.overall_status = "RECRUITING";
  v.summary.last_update_post_date = "2025-04-30";
  return v;
}

core::ChangeEvent event(core::EventType type, std::string summary) {
  return core::ChangeEvent{type, core::Provenance::sponsor_update, "path", "\"a\"", "\"b\"", std::move(summary)};
}

}  // namespace

TEST_CASE("versions are numbered, compressed, returned byte for byte, and an equal hash is a no-op",
          "[store][versions]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Versions versions(db);
  store::WatchList(db).track(id("NCT06613490"), "config", "", testing::ManualClock().now());
  const std::string v1 = "{\"protocolSection\":{\"x\":1}}   ";
  CHECK(versions.record_version(
            version_of("NCT06613490", v1, "h1", {event(core::EventType::study_tracked, "baseline")})) == 1);
  CHECK_FALSE(versions.record_version(version_of("NCT06613490", v1, "h1")).has_value());
  const std::string v2(100000, 'y');
  CHECK(versions.record_version(version_of("NCT06613490", v2, "h2", {event(core::EventType::status_changed, "s")})) ==
        2);
  const auto latest = versions.latest(id("NCT06613490"));
  REQUIRE(latest.has_value());
  CHECK(latest->version == 2);
  CHECK(latest->raw_json == v2);
  CHECK(versions.document(id("NCT06613490"), 2) == v2);
  CHECK(versions.document(id("NCT06613490"), 1) == v1);
  CHECK_FALSE(versions.document(id("NCT06613490"), 3).has_value());
  CHECK_FALSE(versions.latest(id("NCT00000001")).has_value());
  const auto stored = versions.study(id("NCT06613490"));
  REQUIRE(stored.has_value());
  CHECK(stored->latest_version == 2);
  CHECK(stored->hash == "h2");
  CHECK(stored->summary.overall_status == "RECRUITING");
  CHECK(stored->state == store::StudyState::present);
  const auto events = store::Queries(db).events({});
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == core::EventType::status_changed);
  CHECK(events[0].version == 2);
  CHECK(events[0].source == "config");
  CHECK(events[0].old_json == "\"a\"");
}

TEST_CASE("a delta is built against the bytes passed with a version only when they are the latest stored ones",
          "[store][versions]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Versions versions(db);
  std::vector<std::string> raw;
  for (int n = 0; n < 5; ++n) raw.push_back("{\"protocolSection\":{\"n\":" + std::to_string(n) + "}}");
  const char* nct = "NCT06613490";
  REQUIRE(versions.record_version(version_of(nct, raw[0], "h0")) == 1);

  auto passed = version_of(nct, raw[1], "h1");
  passed.previous = versions.latest(id(nct));  // as the sync cycle does: the bytes it diffed against
  REQUIRE(passed.previous.has_value());
  CHECK(versions.record_version(passed) == 2);

  auto stale = version_of(nct, raw[2], "h2");
  stale.previous = store::StoredDocument{1, raw[0]};  // not the latest: the store decodes version 2 itself
  CHECK(versions.record_version(stale) == 3);

  auto wrong = version_of(nct, raw[3], "h3");
  wrong.previous = store::StoredDocument{3, raw[3] + "  "};  // the right number, other bytes: not used
  CHECK(versions.record_version(wrong) == 4);

  CHECK(versions.record_version(version_of(nct, raw[4], "h4")) == 5);  // nothing passed: decoded

  CHECK(testing::select_integer(database, "SELECT count(*) FROM versions WHERE base IS NOT NULL") == 4);
  for (int n = 0; n < 5; ++n) CHECK(versions.document(id(nct), n + 1) == raw[static_cast<std::size_t>(n)]);
}

TEST_CASE("the stored states of all studies are listed in NCT order and found by ID", "[store][versions]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Versions versions(db);
  // Stored out of order, one with a removal state only, as a cycle may leave them.
  for (const char* nct : {"NCT50000000", "NCT00000007", "NCT06613490"})
    REQUIRE(versions.record_version(version_of(nct, std::string("{\"n\":\"") + nct + "\"}", std::string("h") + nct)));
  versions.record_study_state(id("NCT00000100"), store::StudyState::removed, "", {}, {}, "t",
                              testing::ManualClock().now(), {});
  const auto all = versions.studies();
  CHECK(all.numbers == std::vector<std::uint32_t>{7, 100, 6613490, 50000000});
  REQUIRE(all.states.size() == 4);
  for (const char* nct : {"NCT50000000", "NCT00000007", "NCT06613490"}) {
    CAPTURE(nct);
    const auto* state = all.find(id(nct));
    REQUIRE(state != nullptr);
    CHECK(state->hash == std::string("h") + nct);
    CHECK(state->latest_version == 1);
  }
  const auto* removed = all.find(id("NCT00000100"));
  REQUIRE(removed != nullptr);
  CHECK(removed->state == store::StudyState::removed);
  CHECK(all.find(id("NCT00000008")) == nullptr);
  CHECK(all.find(id("NCT99999999")) == nullptr);
  CHECK(all.find(id("NCT00000001")) == nullptr);
}

TEST_CASE("an event id stored once is never stored twice", "[store][versions]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Versions versions(db);
  const std::vector<core::ChangeEvent> removed{event(core::EventType::study_removed, "gone")};
  CHECK(versions.record_study_state(id("NCT00000105"), store::StudyState::removed, "", removed, {"same-id"}, "t",
                                    testing::ManualClock().now()) == 1);
  CHECK(versions.record_study_state(id("NCT00000105"), store::StudyState::removed, "", removed, {"same-id"}, "t",
                                    testing::ManualClock().now()) == 0);
  CHECK(store::Queries(db).events({}).size() == 1);
  CHECK(versions.study(id("NCT00000105"))->state == store::StudyState::removed);
}

TEST_CASE("each study state is stored as its name and read back from it", "[store][versions]") {
  for (const auto state : {store::StudyState::present, store::StudyState::removed, store::StudyState::aliased})
    CHECK(store::parse_study_state(store::study_state_name(state)) == state);
  CHECK(store::study_state_name(store::StudyState::aliased) == "aliased");
  CHECK_FALSE(store::parse_study_state("Present").has_value());
}

TEST_CASE("every version is read back once, oldest first, across standalone frames, as document() reads each",
          "[store][versions]") {
  const auto engine = GENERATE(testing::TestEngine::sqlite, testing::TestEngine::postgres);
  INFO("engine: " << testing::engine_name(engine));
  const testing::TestDatabase database(engine);
  auto db = Database::open(database.location(), OpenMode::read_write);
  Versions versions(db);
  const char* nct = "NCT06613490";
  std::vector<std::string> raw;
  for (int n = 0; n < 40; ++n) {  // past two standalone frames (at least every 16th version)
    raw.push_back("{\"protocolSection\":{\"n\":" + std::to_string(n) + ",\"text\":\"" + std::string(200, 'a') + "\"}}");
    REQUIRE(versions.record_version(version_of(nct, raw.back(), "h" + std::to_string(n))) == n + 1);
  }
  REQUIRE(versions.record_version(version_of("NCT04280705", "{\"other\":1}", "o")) == 1);
  REQUIRE(testing::select_integer(database,
                                  "SELECT count(*) FROM versions WHERE nct_id = 'NCT06613490' AND base IS NULL") >= 3);
  std::vector<int> numbers;
  versions.each_document(id(nct), [&](int number, const std::string& document) {
    numbers.push_back(number);
    CHECK(document == versions.document(id(nct), number));
    CHECK(document == raw[static_cast<std::size_t>(number - 1)]);
  });
  std::vector<int> expected(40);
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(numbers == expected);
  int never = 0;
  versions.each_document(id("NCT00000105"), [&](int, const std::string&) { ++never; });
  CHECK(never == 0);
}
