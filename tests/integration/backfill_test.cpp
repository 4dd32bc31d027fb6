// SPDX-License-Identifier: MIT
// The registry's own history, backfilled by the real trialwatchd from the fake registry's website endpoints: the
// recorded NCT04280705 version 0 (2020) and its API v2 document become past versions with typed events.

#include "store/database.hpp"
#include "store/event_json.hpp"
#include "store/registry_history.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

const std::string k_study = "NCT04280705";

// The story's scenario with NCT04280705 tracked from the configuration and backfilled in `mode`.
struct Backfilling {
  explicit Backfilling(const std::string& mode)
      : f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {k_study},
          trialwatch::testing::k_without_discovery) {
    f.history_settings = "[history]\nbackfill = \"" + mode + "\"";
    f.write_config({k_study}, trialwatch::testing::k_without_discovery);
  }
  DaemonFixture f;
};

std::size_t history_requests(const DaemonFixture& f) {
  const auto log = f.registry.registry.requests();
  return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [](const fr::LoggedRequest& request) {
    return request.path.rfind("/api/int/", 0) == 0;
  }));
}

std::vector<trialwatch::store::StoredEvent> past_events(const DaemonFixture& f) {
  std::vector<trialwatch::store::StoredEvent> past;
  for (const auto& event : f.events())
    if (event.provenance == trialwatch::core::Provenance::registry_history) past.push_back(event);
  return past;
}

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
