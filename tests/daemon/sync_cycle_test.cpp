// SPDX-License-Identifier: MIT
// Whole sync cycles in-process: a SyncCycle over the in-memory registry (FakeHttpClient) serving the recorded
// documents, a real SQLite file in a temporary directory, a ManualClock, and a sleeper that only moves that clock.
// The tests in tests/integration run the real trialwatchd for what needs a process (signals, files, crashes).
#include "daemon/sync_cycle.hpp"

#include "diff/event_id.hpp"
#include "fetch/rate_limiter.hpp"
#include "fetch/registry_client.hpp"
#include "fetch/sleeper.hpp"
#include "store/database.hpp"
#include "store/discoveries.hpp"
#include "store/outbox.hpp"
#include "store/queries.hpp"
#include "store/runs.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/daemon/fake_http_client.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace trialwatch;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using core::EventType;
using daemon::CycleOutcome;
using testing::FakeHttpClient;

namespace {

constexpr const char* k_day1 = "2026-08-19T09:00:06";
constexpr const char* k_day2 = "2026-08-20T09:00:04";
constexpr const char* k_day3 = "2026-08-21T09:00:05";

// Waits by moving the manual clock instead of sleeping, and records each wait (rate limit, retry backoff).
class ClockSleeper final : public fetch::Sleeper {
 public:
  explicit ClockSleeper(testing::ManualClock& clock) : m_clock(clock) {}
  bool sleep_for(std::chrono::nanoseconds duration) override {
    if (duration > 0ns) {
      waits.push_back(duration);
      m_clock.advance(duration);
    }
    return true;
  }
  std::vector<std::chrono::nanoseconds> waits;

 private:
  testing::ManualClock& m_clock;
};

core::NctId id(std::string_view text) { return *core::NctId::parse(text); }

// The recorded document of `nct_id` (tests/data/ctgov/studies), byte for byte.
std::string recorded(const std::string& nct_id) { return testing::read_test_file("ctgov/studies/" + nct_id + ".json"); }

// Return `text` with its one occurrence of `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

// NCT07157670 (minified, NOT_YET_RECRUITING, last updated 2025-09-05) after a sponsor update that starts recruiting.
std::string recruiting_update() {
  return replaced(
      replaced(recorded("NCT07157670"), R"("overallStatus":"NOT_YET_RECRUITING")", R"("overallStatus":"RECRUITING")"),
      R"("lastUpdatePostDateStruct":{"date":"2025-09-05")", R"("lastUpdatePostDateStruct":{"date":"2026-08-20")");
}

// Return the event of `type` among `events`, if there is one.
std::optional<store::StoredEvent> find(const std::vector<store::StoredEvent>& events, EventType type) {
  const auto it = std::find_if(events.begin(), events.end(), [&](const auto& event) { return event.type == type; });
  return it == events.end() ? std::nullopt : std::optional<store::StoredEvent>(*it);
}

// What a cycle runs against: a database in a temporary directory, the in-memory registry and a manual clock.
struct CycleFixture {
  CycleFixture() { options.discovery.related.mode = core::RelatedConfig::Mode::off; }  // discovery is tested apart

  // Serve the recorded documents of `ids` and track them as the configuration does.
  void serve_and_track(const std::vector<std::string>& ids) {
    std::vector<core::NctId> tracked;
    for (const auto& nct_id : ids) {
      registry.put(nct_id, recorded(nct_id));
      tracked.push_back(id(nct_id));
    }
    watch_list.track_exactly(tracked, "config", clock.now());
  }

  // Move on to the registry's next refresh `data_timestamp`, a day later, with a fresh request log.
  void next_day(const char* data_timestamp) {
    registry.data_timestamp = data_timestamp;
    registry.clear_requests();
    published.clear();
    clock.advance(24h);
  }

  // Run one cycle as the service does, with a registry client of its own (its counters and retry budget are the
  // cycle's), handing the events it stores to `published`.
  daemon::CycleReport run_cycle() {
    fetch::RateLimiter limiter(clock, 1.0, 5.0);
    fetch::RegistryClientOptions client_options;
    client_options.base_url = FakeHttpClient::k_base_url;
    fetch::RegistryClient client(
        registry, limiter, sleeper, [] { return 0.5; }, client_options);
    auto cycle_options = options;
    cycle_options.on_event = [this](const store::StoredEvent& event) { published.push_back(event); };
    const daemon::CycleStore store{watch_list, versions, runs, discoveries};
    return daemon::SyncCycle(client, store, clock, logger, cycle_options).run();
  }

  // Return the stored events about `nct_id` (every study's when empty), newest first.
  std::vector<store::StoredEvent> events(std::string_view nct_id = {}) const {
    store::EventQuery query;
    if (!nct_id.empty()) query.nct_id = id(nct_id);
    return queries.events(query);
  }

  // Return how many requests asked for `/studies/{nct_id}` alone.
  std::size_t lookups(const std::string& nct_id) const {
    return registry.count(
        [&](const std::string& url) { return url == std::string(FakeHttpClient::k_base_url) + "/studies/" + nct_id; });
  }

  testing::TempDir dir;
  store::Database db = store::Database::open(dir.path() / "trialwatch.db", store::OpenMode::read_write);
  store::WatchList watch_list{db};
  store::Versions versions{db};
  store::Runs runs{db};
  store::Discoveries discoveries{db};
  store::Queries queries{db};
  testing::ManualClock clock;
  const core::Logger logger{core::LogLevel::error};
  FakeHttpClient registry;
  ClockSleeper sleeper{clock};
  daemon::CycleOptions options;
  std::vector<store::StoredEvent> published;  // what the cycles handed on as committed
};

}  // namespace

TEST_CASE("an unchanged dataTimestamp ends the cycle after one request, recorded as unchanged", "[daemon][sync]") {
  CycleFixture f;
  f.serve_and_track({"NCT00973089", "NCT07157670"});
  const auto first = f.run_cycle();
  REQUIRE(first.outcome == CycleOutcome::completed);
  CHECK(first.run.outcome == store::RunOutcome::ok);
  CHECK(first.run.fetched == 2);
  CHECK(first.run.changed == 2);
  CHECK(f.registry.requests().size() == 3);  // /version, one watermark page, one page of full documents
  CHECK(f.runs.completed_data_timestamp() == std::string(k_day1));
  CHECK(f.events().size() == 2);  // the two baselines (study_tracked)

  f.registry.clear_requests();
  f.clock.advance(1h);
  const auto second = f.run_cycle();
  CHECK(second.outcome == CycleOutcome::unchanged);
  CHECK(f.registry.requests() == std::vector<std::string>{std::string(FakeHttpClient::k_base_url) + "/version"});
  const auto last = f.runs.last();
  REQUIRE(last);
  CHECK(last->id != first.run.id);
  CHECK(last->outcome == store::RunOutcome::unchanged);
  CHECK(last->requests == 1);
  CHECK(last->data_timestamp == k_day1);
  CHECK(f.versions.study(id("NCT07157670"))->latest_version == 1);
  CHECK(f.events().size() == 2);
}

TEST_CASE("a status change is stored as its typed events with old and new values, and the watermark advances",
          "[daemon][sync]") {
  CycleFixture f;
  f.options.route = [](EventType type, const std::string&, const std::string& source) {
    return type == EventType::status_changed && source == "config" ? std::vector<std::string>{"ops"}
                                                                   : std::vector<std::string>{};
  };
  f.serve_and_track({"NCT07157670"});
  REQUIRE(f.run_cycle().outcome == CycleOutcome::completed);
  const auto baseline_hash = f.versions.study(id("NCT07157670"))->hash;

  const std::string update = recruiting_update();
  f.registry.put("NCT07157670", update);
  f.next_day(k_day2);
  const auto report = f.run_cycle();

  REQUIRE(report.outcome == CycleOutcome::completed);
  CHECK(report.run.fetched == 1);
  CHECK(report.run.changed == 1);
  CHECK(report.run.events == 2);
  CHECK(f.runs.completed_data_timestamp() == std::string(k_day2));
  CHECK(f.registry.count(FakeHttpClient::is_full_page) == 1);

  const auto stored = f.versions.study(id("NCT07157670"));
  REQUIRE(stored);
  CHECK(stored->latest_version == 2);
  CHECK(stored->hash != baseline_hash);
  CHECK(stored->summary.overall_status == "RECRUITING");
  CHECK(stored->summary.last_update_post_date == "2026-08-20");
  CHECK(f.versions.document(id("NCT07157670"), 2) == update);  // the exact bytes received

  const auto events = f.events("NCT07157670");
  REQUIRE(events.size() == 3);  // the baseline, then the update's two
  const auto status = find(events, EventType::status_changed);
  REQUIRE(status);
  CHECK(status->provenance == core::Provenance::sponsor_update);
  CHECK(status->path == "protocolSection.statusModule.overallStatus");
  CHECK(status->old_json == R"("NOT_YET_RECRUITING")");
  CHECK(status->new_json == R"("RECRUITING")");
  CHECK(status->version == 2);
  CHECK(status->data_timestamp == k_day2);
  CHECK(status->source == "config");
  const auto updated = find(events, EventType::last_updated);
  REQUIRE(updated);
  CHECK(updated->old_json == R"("2025-09-05")");
  CHECK(updated->new_json == R"("2026-08-20")");
  CHECK(f.queries.changes(id("NCT07157670"), 2).size() == 2);  // overallStatus and lastUpdatePostDateStruct.date

  REQUIRE(f.published.size() == 2);  // handed on once committed, with the stored ids
  CHECK(find(f.published, EventType::status_changed).value().id == status->id);
  const auto due = store::Outbox(f.db).due(f.clock.now());
  REQUIRE(due.size() == 1);  // routed by the step: only status changes go to "ops"
  CHECK(due.front().channel == "ops");
  CHECK(due.front().event.id == status->id);
}

TEST_CASE("a page of full documents that keeps failing moves no watermark and stores no event", "[daemon][sync]") {
  CycleFixture f;
  f.serve_and_track({"NCT07157670"});
  REQUIRE(f.run_cycle().outcome == CycleOutcome::completed);

  f.registry.put("NCT07157670", recruiting_update());
  f.registry.fail_when(FakeHttpClient::is_full_page, 500, "Internal Server Error");
  f.next_day(k_day2);
  const auto report = f.run_cycle();

  CHECK(report.outcome == CycleOutcome::failed);
  CHECK(report.run.outcome == store::RunOutcome::failed);
  CHECK_THAT(report.run.error, Contains("HTTP 500"));
  CHECK(f.registry.count(FakeHttpClient::is_full_page) == 5);  // every attempt the retry policy allows
  CHECK(f.registry.count(FakeHttpClient::is_watermark_page) == 1);
  CHECK(f.runs.completed_data_timestamp() == std::string(k_day1));
  CHECK(f.versions.study(id("NCT07157670"))->latest_version == 1);
  CHECK(f.events().size() == 1);  // the baseline only
  CHECK(f.published.empty());

  SECTION("the next cycle fetches the change again and converges") {
    f.registry.heal();
    f.clock.advance(1h);
    const auto retry = f.run_cycle();
    CHECK(retry.outcome == CycleOutcome::completed);
    CHECK(f.runs.completed_data_timestamp() == std::string(k_day2));
    CHECK(f.versions.study(id("NCT07157670"))->latest_version == 2);
    CHECK(find(f.events("NCT07157670"), EventType::status_changed));
  }
}

TEST_CASE("an ID answered with 301 is recorded as an alias and its canonical record is tracked", "[daemon][sync]") {
  CycleFixture f;
  f.serve_and_track({"NCT00973089"});
  REQUIRE(f.run_cycle().outcome == CycleOutcome::completed);

  f.registry.alias("NCT00973089", "NCT03418623");
  f.registry.put("NCT03418623", recorded("NCT03418623"));
  f.next_day(k_day2);
  const auto report = f.run_cycle();

  REQUIRE(report.outcome == CycleOutcome::completed);
  CHECK(f.lookups("NCT00973089") == 1);  // missing from the page: confirmed alone before anything is recorded
  CHECK(f.runs.completed_data_timestamp() == std::string(k_day2));
  const auto alias_state = f.versions.study(id("NCT00973089"));
  REQUIRE(alias_state);
  CHECK(alias_state->state == store::StudyState::aliased);
  CHECK(alias_state->alias_of == "NCT03418623");
  const auto aliased = find(f.events("NCT00973089"), EventType::study_aliased);
  REQUIRE(aliased);
  CHECK(aliased->old_json == R"("NCT00973089")");
  CHECK(aliased->new_json == R"("NCT03418623")");
  // The ID's seed bytes are those of every earlier release, so a re-run recognises the event it stored.
  CHECK(aliased->id ==
        diff::event_id("NCT00973089", alias_state->hash, "aliased:NCT03418623", EventType::study_aliased, ""));

  const auto entries = f.watch_list.entries();
  const auto canonical = std::find_if(entries.begin(), entries.end(),
                                      [](const store::WatchEntry& entry) { return entry.id == id("NCT03418623"); });
  REQUIRE(canonical != entries.end());
  CHECK(canonical->source == "config");  // the alias's source
  CHECK(canonical->note == "canonical record of NCT00973089");
  const auto canonical_state = f.versions.study(id("NCT03418623"));
  REQUIRE(canonical_state);  // fetched in the same cycle
  CHECK(canonical_state->latest_version == 1);
  CHECK(find(f.events("NCT03418623"), EventType::study_tracked));
}

TEST_CASE("an ID answered with 404 is recorded as removed, once", "[daemon][sync]") {
  CycleFixture f;
  f.serve_and_track({"NCT00973089", "NCT07157670"});
  REQUIRE(f.run_cycle().outcome == CycleOutcome::completed);

  f.registry.remove("NCT00973089");
  f.next_day(k_day2);
  const auto report = f.run_cycle();

  REQUIRE(report.outcome == CycleOutcome::completed);
  CHECK(report.run.changed == 0);  // the other study did not change
  CHECK(report.run.events == 1);
  CHECK(f.lookups("NCT00973089") == 1);
  CHECK(f.lookups("NCT07157670") == 0);
  CHECK(f.versions.study(id("NCT00973089"))->state == store::StudyState::removed);
  const auto removed = find(f.events("NCT00973089"), EventType::study_removed);
  REQUIRE(removed);
  CHECK_THAT(removed->summary, Contains("404"));
  CHECK(removed->id == diff::event_id("NCT00973089", f.versions.study(id("NCT00973089"))->hash, "removed",
                                      EventType::study_removed, ""));
  CHECK(f.versions.study(id("NCT07157670"))->latest_version == 1);
  CHECK(f.runs.completed_data_timestamp() == std::string(k_day2));

  f.next_day(k_day3);
  CHECK(f.run_cycle().outcome == CycleOutcome::completed);
  CHECK(f.lookups("NCT00973089") == 1);  // still confirmed each cycle, but not recorded again
  CHECK(f.events("NCT00973089").size() == 2);
  CHECK(f.published.empty());
}

TEST_CASE("an ID the registry rejects in a batch is left out and reported, and the other studies are synced",
          "[daemon][sync]") {
  CycleFixture f;
  f.serve_and_track({"NCT00973089", "NCT03418623", "NCT07157670"});
  f.registry.reject("NCT00973089");
  const auto report = f.run_cycle();

  REQUIRE(report.outcome == CycleOutcome::completed);
  CHECK(report.rejected == std::vector<core::NctId>{id("NCT00973089")});
  CHECK(report.skipped.empty());
  CHECK(report.run.changed == 2);
  CHECK_FALSE(f.versions.study(id("NCT00973089")));
  CHECK(f.versions.study(id("NCT03418623"))->latest_version == 1);
  CHECK(f.versions.study(id("NCT07157670"))->latest_version == 1);
  // The batch is narrowed by the item number in the registry's answer: one more watermark page, without the ID.
  const auto& requests = f.registry.requests();
  REQUIRE(f.registry.count(FakeHttpClient::is_watermark_page) == 2);
  CHECK_THAT(requests[1], Contains("filter.ids=NCT00973089,NCT03418623,NCT07157670&"));
  CHECK_THAT(requests[2], Contains("filter.ids=NCT03418623,NCT07157670&"));
  REQUIRE(f.registry.count(FakeHttpClient::is_full_page) == 1);
  CHECK_THAT(requests.back(), Contains("filter.ids=NCT03418623,NCT07157670&"));
  CHECK(f.lookups("NCT00973089") == 0);  // rejected, not missing: never confirmed as removed
  CHECK(f.watch_list.tracked_without_version() == std::vector<core::NctId>{id("NCT00973089")});  // asked again later
}
