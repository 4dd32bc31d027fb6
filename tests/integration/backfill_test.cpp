// SPDX-License-Identifier: MIT
// The registry's own history, backfilled by the real trialwatchd from the fake registry's website endpoints: the
// recorded NCT04280705 version 0 (2020) and its API v2 document become past versions with typed events; faults
// (404, 429, odd shapes) and kills at the backfill's crash points lose and double nothing.

#include "store/database.hpp"
#include "store/event_json.hpp"
#include "store/registry_history.hpp"
#include "tests/integration/backfill_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::backfill_progress;
using trialwatch::testing::Backfilling;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::documents_stored;
using trialwatch::testing::history_requests;
using trialwatch::testing::make_retries_due;
using trialwatch::testing::past_events;
using trialwatch::testing::past_ids;
using trialwatch::testing::test_data_dir;

namespace {

const std::string k_study = "NCT04280705";

}  // namespace

TEST_CASE("a full backfill stores every past version and its typed events once, and they never notify",
          "[integration][backfill]") {
  const Backfilling b("full");
  const auto& f = b.f;
  const auto first = f.run_once();
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  // One list and one request per past version: versions 0 (2020, the recorded document) and 1 (its API v2 record).
  CHECK(history_requests(f) == 3);
  const auto past = past_events(f);
  REQUIRE_FALSE(past.empty());
  const auto status = std::find_if(past.begin(), past.end(), [](const auto& event) {
    return event.type == trialwatch::core::EventType::status_changed;
  });
  REQUIRE(status != past.end());
  CHECK(status->old_json == "\"NOT_YET_RECRUITING\"");
  CHECK(status->new_json == "\"COMPLETED\"");
  CHECK(status->registry_version == 1);
  CHECK(status->posted_date == "2022-03-09");
  CHECK_THAT(trialwatch::store::event_json(*status),
             Catch::EndsWith(R"("registry_version":1,"posted_date":"2022-03-09"})"));
  const bool enrollment = std::any_of(past.begin(), past.end(), [](const auto& event) {
    return event.type == trialwatch::core::EventType::enrollment_changed;
  });
  CHECK(enrollment);
  // Formatting alone (HTML entities, markup, escapes) is never a change.
  for (const auto& event : past)
    if (!event.old_json.empty() || !event.new_json.empty()) CHECK(event.old_json != event.new_json);

  {
    auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
    trialwatch::store::RegistryHistory history(db);
    const auto id = *trialwatch::core::NctId::parse(k_study);
    const auto versions = history.versions(id);
    REQUIRE(versions.size() == 2);
    CHECK(versions[0].posted_date == "2020-02-20");
    // Stored exactly as received: the "study" object of the recorded answer, byte for byte.
    const auto stored = history.document(id, 0);
    REQUIRE(stored.has_value());
    CHECK(stored->size() > 20000);
    CHECK(trialwatch::testing::read_file(test_data_dir() / "ctgov/history/NCT04280705.history-v0.json").find(*stored) !=
          std::string::npos);
    CHECK(history.progress().waiting == 0);
    CHECK(history.progress().fetched == 2);
  }

  const auto events_before = f.events().size();
  REQUIRE(f.run_once().exit_code == 0);
  CHECK(history_requests(f) == 3);  // done: nothing asked again
  CHECK(f.events().size() == events_before);
}

TEST_CASE("a status backfill reads the list alone: one request, the status timeline", "[integration][backfill]") {
  const Backfilling b("status");
  const auto& f = b.f;
  REQUIRE(f.run_once().exit_code == 0);
  CHECK(history_requests(f) == 1);
  const auto past = past_events(f);
  REQUIRE(past.size() == 1);
  CHECK(past[0].type == trialwatch::core::EventType::status_changed);
  CHECK(past[0].registry_version == 1);
}

TEST_CASE("an empty or odd-shaped history is one sentence and a retry, never a failed sync",
          "[integration][backfill]") {
  Backfilling b("full");
  auto& f = b.f;
  f.registry.registry.modify([](fr::RegistryData& data) { data.without_history.insert(k_study); });
  const auto empty = f.run_once();
  INFO(empty.output);
  REQUIRE(empty.exit_code == 0);
  CHECK_THAT(empty.output, Catch::Contains(k_study + " has no past versions"));
  CHECK(past_events(f).empty());

  Backfilling b_odd("full");
  auto& odd = b_odd.f;
  odd.registry.registry.add_fault(
      fr::Fault{.path = "^/api/int/studies/", .times = -1, .kind = fr::Fault::Kind::json, .body = R"({"history":7})"});
  const auto run = odd.run_once();
  INFO(run.output);
  REQUIRE(run.exit_code == 0);  // the sync stored its version; the backfill waits for a retry
  CHECK_THAT(run.output, Catch::Contains("backfill of " + k_study + ": "));
  CHECK(past_events(odd).empty());
  const auto status = trialwatch::testing::run_process({TRIALWATCH_CLI_PATH, "--db", odd.db_path(), "status", "--json"},
                                                       trialwatch::testing::isolated_env());
  CHECK_THAT(status.output, Catch::Contains(R"("backfill":{"waiting":1,)") && Catch::Contains(R"("failing":1,)"));
}

namespace {

// The past event ids of an undisturbed full backfill of the study.
std::vector<std::string> reference_ids() {
  const Backfilling reference("full");
  const auto run = reference.f.run_once();
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const auto ids = past_ids(reference.f);
  REQUIRE(ids.size() >= 2);
  return ids;
}

}  // namespace

TEST_CASE("a 404 on one past version keeps the others, and the retry adds it once", "[integration][backfill]") {
  const auto expected = reference_ids();
  Backfilling b("full");
  auto& f = b.f;
  f.registry.registry.add_fault(
      fr::Fault{.path = "^/api/int/studies/" + k_study + "/history/1$", .times = -1, .status = 404});
  const auto first = f.run_once();
  INFO(first.output);
  REQUIRE(first.exit_code == 0);  // the sync is not held up
  CHECK_THAT(first.output, Catch::Contains("backfill of " + k_study + ": "));
  CHECK(documents_stored(f) == std::vector<bool>{true, false});
  CHECK(backfill_progress(f).failing == 1);
  CHECK(backfill_progress(f).waiting == 1);

  // Before the backoff is over nothing is asked again.
  f.registry.registry.clear_faults();
  f.registry.registry.clear_requests();
  REQUIRE(f.run_once().exit_code == 0);
  CHECK(history_requests(f) == 0);

  make_retries_due(f);
  const auto retry = f.run_once();
  INFO(retry.output);
  REQUIRE(retry.exit_code == 0);
  CHECK(history_requests(f) == 1);  // version 1 alone: the list and version 0 are kept
  CHECK(documents_stored(f) == std::vector<bool>{true, true});
  CHECK(backfill_progress(f).waiting == 0);
  CHECK(backfill_progress(f).failing == 0);
  CHECK(past_ids(f) == expected);  // the same events as an undisturbed backfill, none doubled
}

TEST_CASE("a 429 with Retry-After on the history list is waited out and retried", "[integration][backfill]") {
  Backfilling b("full");
  auto& f = b.f;
  f.api_settings = "max_attempts = 2";
  f.write_config({k_study}, trialwatch::testing::k_without_discovery);
  f.registry.registry.add_fault(fr::Fault{.path = "^/api/int/studies/" + k_study + "$",
                                          .query_contains = "history=true",
                                          .times = 1,
                                          .status = 429,
                                          .retry_after = "1"});
  const auto start = std::chrono::steady_clock::now();
  const auto run = f.run_once();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.output, !Catch::Contains("backfill of"));
  CHECK(history_requests(f) == 4);  // the list twice, then versions 0 and 1
  CHECK(elapsed >= std::chrono::seconds(1));
  CHECK(documents_stored(f) == std::vector<bool>{true, true});
  CHECK(backfill_progress(f).failing == 0);
  CHECK_FALSE(past_events(f).empty());
}

TEST_CASE("a backfill killed around a stored version and restarted loses and doubles nothing",
          "[integration][backfill][crash]") {
  const auto expected = reference_ids();
  for (const std::string point : {"backfill_before_document:1", "backfill_after_document:1",
                                  "backfill_before_document:2", "backfill_after_document:2"}) {
    DYNAMIC_SECTION(point) {
      const Backfilling b("full");
      const auto& f = b.f;
      const auto killed = f.run_once({}, {{"TRIALWATCH_CRASHPOINT", point}});
      INFO(killed.output);
      REQUIRE(killed.exit_code == 137);
      REQUIRE(trialwatch::testing::integrity_of(f.db_path()) == "ok");
      const bool after = point.find("after") != std::string::npos;
      const int stored_before_kill = (point.back() == '2' ? 1 : 0) + (after ? 1 : 0);
      const auto stored = documents_stored(f);
      CHECK(std::count(stored.begin(), stored.end(), true) == stored_before_kill);

      const auto restarted = f.run_once();
      INFO(restarted.output);
      REQUIRE(restarted.exit_code == 0);
      CHECK(documents_stored(f) == std::vector<bool>{true, true});
      CHECK(backfill_progress(f).waiting == 0);
      CHECK(past_ids(f) == expected);
      // The list and every version stored before the kill are not asked again; the one in flight is.
      CHECK(history_requests(f) == (after ? 3U : 4U));
    }
  }
}

TEST_CASE("past events are never sent, even on a channel that routes their type", "[integration][backfill]") {
  Backfilling b("full");
  auto& f = b.f;
  f.write_config({k_study}, trialwatch::testing::k_without_discovery +
                                "\n[[notify]]\nname = \"log\"\ntype = \"exec\"\ncommand = [\"/bin/true\"]\n"
                                "events = [\"study_tracked\", \"status_changed\", \"enrollment_changed\"]\n");
  const auto run = f.run_once();
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  REQUIRE_FALSE(past_events(f).empty());
  SQLite::Database db(f.db_path(), SQLite::OPEN_READONLY);
  const auto deliveries = [&](const std::string& provenance) {
    SQLite::Statement count(db,
                            "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id "
                            "WHERE e.provenance = ?");
    count.bind(1, provenance);
    count.executeStep();
    return count.getColumn(0).getInt();
  };
  CHECK(deliveries("tracking") == 1);  // the live study_tracked is routed: the channel works
  CHECK(deliveries("registry_history") == 0);
}
