// SPDX-License-Identifier: MIT
#include "store/history.hpp"

#include "store/queries.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace trialwatch;
using store::Database;
using store::History;
using store::OpenMode;

namespace {

core::NctId id(const char* text) { return *core::NctId::parse(text); }

store::NewVersion version_of(const char* nct, const std::string& raw, const std::string& hash,
                             std::vector<core::ChangeEvent> events = {}) {
  store::NewVersion v{id(nct),           raw, hash, {}, "2026-09-01T09:00:05", testing::ManualClock().now(), {},
                      std::move(events), {},  {}};
  for (std::size_t i = 0; i < v.events.size(); ++i) v.event_ids.push_back(hash + "-event-" + std::to_string(i));
  v.summary.overall_status = "RECRUITING";
  v.summary.last_update_post_date = "2025-04-30";
  return v;
}

core::ChangeEvent event(core::EventType type, std::string summary) {
  return core::ChangeEvent{type, core::Provenance::sponsor_update, "path", "\"a\"", "\"b\"", std::move(summary)};
}

// Track NCT06613490 and store its first version, with one status_changed event, at `clock`'s time.
void record_status_change(History& history, const testing::ManualClock& clock) {
  history.track(id("NCT06613490"), "config", "", clock.now());
  auto changed = version_of("NCT06613490", "{}", "h1", {event(core::EventType::status_changed, "s")});
  changed.fetched_at = clock.now();
  CHECK(history.record_version(changed) == 1);
}

}  // namespace

TEST_CASE("the watch list tracks, untracks and reactivates, keeping the source", "[store][history]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  testing::ManualClock clock;
  CHECK(history.track(id("NCT06613490"), "config", "", clock.now()));
  CHECK_FALSE(history.track(id("NCT06613490"), "cli", "again", clock.now()));  // already tracked: unchanged
  CHECK(history.track(id("NCT07315503"), "cli", "GC012F", clock.now()));
  REQUIRE(history.watchlist().size() == 2);
  CHECK(history.watchlist()[0].source == "config");
  CHECK(history.untrack(id("NCT07315503")));
  CHECK_FALSE(history.untrack(id("NCT07315503")));
  CHECK(history.watchlist().size() == 1);
  CHECK(history.watchlist(true).size() == 2);
  CHECK(history.track(id("NCT07315503"), "search:car", "", clock.now()));
  CHECK(history.watchlist()[1].source == "search:car");
}

TEST_CASE("versions are numbered, compressed, returned byte for byte, and an equal hash is a no-op",
          "[store][history]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  history.track(id("NCT06613490"), "config", "", testing::ManualClock().now());
  const std::string v1 = "{\"protocolSection\":{\"x\":1}}   ";
  CHECK(history.record_version(
            version_of("NCT06613490", v1, "h1", {event(core::EventType::study_tracked, "baseline")})) == 1);
  CHECK_FALSE(history.record_version(version_of("NCT06613490", v1, "h1")).has_value());
  const std::string v2(100000, 'y');
  CHECK(history.record_version(version_of("NCT06613490", v2, "h2", {event(core::EventType::status_changed, "s")})) ==
        2);
  CHECK(history.document(id("NCT06613490")) == v2);
  CHECK(history.document(id("NCT06613490"), 1) == v1);
  CHECK_FALSE(history.document(id("NCT06613490"), 3).has_value());
  const auto stored = history.study(id("NCT06613490"));
  REQUIRE(stored.has_value());
  CHECK(stored->latest_version == 2);
  CHECK(stored->hash == "h2");
  CHECK(stored->summary.overall_status == "RECRUITING");
  CHECK(stored->state == "present");
  const auto events = history.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == core::EventType::status_changed);
  CHECK(events[0].version == 2);
  CHECK(events[0].source == "config");
  CHECK(events[0].old_json == "\"a\"");
}

TEST_CASE("the stored states of all studies are listed in NCT order and found by ID", "[store][history]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  // Stored out of order, one with a removal state only, as a cycle may leave them.
  for (const char* nct : {"NCT50000000", "NCT00000007", "NCT06613490"})
    REQUIRE(history.record_version(version_of(nct, std::string("{\"n\":\"") + nct + "\"}", std::string("h") + nct)));
  history.record_study_state(id("NCT00000100"), "removed", "", {}, {}, "t", testing::ManualClock().now(), {});
  const auto all = history.studies();
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
  CHECK(removed->state == "removed");
  CHECK(all.find(id("NCT00000008")) == nullptr);
  CHECK(all.find(id("NCT99999999")) == nullptr);
  CHECK(all.find(id("NCT00000001")) == nullptr);
}

TEST_CASE("an event id stored once is never stored twice", "[store][history]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  const std::vector<core::ChangeEvent> removed{event(core::EventType::study_removed, "gone")};
  CHECK(history.record_study_state(id("NCT00000105"), "removed", "", removed, {"same-id"}, "t",
                                   testing::ManualClock().now()) == 1);
  CHECK(history.record_study_state(id("NCT00000105"), "removed", "", removed, {"same-id"}, "t",
                                   testing::ManualClock().now()) == 0);
  CHECK(history.events().size() == 1);
  CHECK(history.study(id("NCT00000105"))->state == "removed");
}

TEST_CASE("runs and the completed-cycle watermark are recorded", "[store][history]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  CHECK_FALSE(history.completed_data_timestamp().has_value());
  const auto run = history.begin_run(testing::ManualClock().now());
  CHECK(history.last_run()->outcome == "running");
  store::RunRecord record;
  record.id = run;
  record.finished_at = "2026-11-24T12:00:05Z";
  record.outcome = "ok";
  record.requests = 3;
  record.events = 2;
  history.finish_run(record);
  CHECK(history.last_run()->outcome == "ok");
  CHECK(history.last_run()->requests == 3);
  history.set_completed_data_timestamp("2026-09-01T09:00:05");
  CHECK(history.completed_data_timestamp() == "2026-09-01T09:00:05");
}

TEST_CASE("track_exactly makes a list the studies tracked because of a source, in one go", "[store]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  const testing::ManualClock clock;
  history.track(id("NCT00000011"), "cli", "", clock.now());
  history.track(id("NCT00000012"), "cli", "", clock.now());
  REQUIRE(history.untrack(id("NCT00000012")));
  history.track(id("NCT00000014"), "config", "", clock.now());  // an earlier configuration listed it
  history.track(id("NCT00000016"), "config", "", clock.now());
  history.track(id("NCT00000017"), "search:car", "", clock.now());
  // Unsorted, with a duplicate, and IDs before, between and after the stored ones.
  const auto changes =
      history.track_exactly({id("NCT00000019"), id("NCT00000013"), id("NCT00000011"), id("NCT00000012"),
                             id("NCT00000016"), id("NCT00000013"), id("NCT00000001")},
                            "config", clock.now());
  CHECK(changes.tracked ==
        std::vector<core::NctId>{id("NCT00000001"), id("NCT00000012"), id("NCT00000013"), id("NCT00000019")});
  CHECK(changes.untracked == std::vector<core::NctId>{id("NCT00000014")});  // not NCT00000017: another source's
  std::map<std::string, std::string> sources;
  for (const auto& entry : history.watchlist()) sources[entry.id.str()] = entry.source;
  CHECK(sources == std::map<std::string, std::string>{{"NCT00000001", "config"},
                                                      {"NCT00000011", "cli"},  // already tracked: left as it was
                                                      {"NCT00000012", "config"},
                                                      {"NCT00000013", "config"},
                                                      {"NCT00000016", "config"},
                                                      {"NCT00000017", "search:car"},
                                                      {"NCT00000019", "config"}});
  // The same list again changes nothing.
  const auto again = history.track_exactly({id("NCT00000019"), id("NCT00000013"), id("NCT00000011"), id("NCT00000012"),
                                            id("NCT00000016"), id("NCT00000001")},
                                           "config", clock.now());
  CHECK(again.tracked.empty());
  CHECK(again.untracked.empty());
}

TEST_CASE("each_event visits events newest first, and a reused row never leaks into the next", "[store][queries]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  testing::ManualClock clock;
  // Older: a removal with no path, values or version; newer: a version's event with all of them. Visited newest
  // first, the row reused for the removal must shed what the status change had.
  const core::ChangeEvent removed{
      core::EventType::study_removed, core::Provenance::registry_reprocessing, {}, {}, {}, "gone"};
  CHECK(history.record_study_state(id("NCT00000105"), "removed", "", {removed}, {"removed-id"}, "t", clock.now()) == 1);
  clock.advance(std::chrono::hours(1));
  record_status_change(history, clock);
  std::vector<store::StoredEvent> seen;
  store::Queries(db).each_event({}, [&](const store::StoredEvent& e) { seen.push_back(e); });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].type == core::EventType::status_changed);
  CHECK(seen[0].path == "path");
  CHECK(seen[0].new_json == "\"b\"");
  CHECK(seen[0].version == 1);
  CHECK(seen[1].type == core::EventType::study_removed);
  CHECK(seen[1].nct_id == "NCT00000105");
  CHECK(seen[1].path.empty());
  CHECK(seen[1].old_json.empty());
  CHECK(seen[1].new_json.empty());
  CHECK_FALSE(seen[1].version.has_value());
  CHECK(seen[1].summary == "gone");
}

TEST_CASE("a brief event read returns what a table shows and nothing else", "[store][queries]") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "t.db", OpenMode::read_write);
  History history(db);
  testing::ManualClock clock;
  record_status_change(history, clock);
  store::EventQuery brief;
  brief.brief = true;
  for (const bool one_study : {false, true}) {
    if (one_study) brief.nct_id = id("NCT06613490");
    const auto full = store::Queries(db).events({});
    const auto shown = store::Queries(db).events(brief);
    REQUIRE(full.size() == 1);
    REQUIRE(shown.size() == 1);
    CHECK(shown[0].nct_id == full[0].nct_id);
    CHECK(shown[0].type == full[0].type);
    CHECK(shown[0].detected_at == full[0].detected_at);
    CHECK(shown[0].old_json == full[0].old_json);
    CHECK(shown[0].new_json == "\"b\"");
    CHECK(shown[0].summary == full[0].summary);
    CHECK(!full[0].id.empty());
    CHECK(shown[0].id.empty());
    CHECK(shown[0].path.empty());
    CHECK(shown[0].data_timestamp.empty());
    CHECK(shown[0].source.empty());
    CHECK_FALSE(shown[0].version.has_value());
  }
}
