// SPDX-License-Identifier: MIT
// trialwatchd --once, the real binary, against the fake registry over loopback, on real recorded documents.

#include "tests/fakeregistry/edits.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

namespace fr = trialwatch::fakeregistry;
using trialwatch::core::EventType;
using trialwatch::core::Provenance;
using trialwatch::store::StoredEvent;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;
using trialwatch::testing::TestEngine;

namespace {

// These tests count the sync engine's own requests; related-trial discovery has its budget tested in discovery_test.
using trialwatch::testing::k_scenario_studies;
using trialwatch::testing::k_without_discovery;

std::vector<std::string> types_since(const std::vector<StoredEvent>& events, std::size_t from) {
  std::vector<std::string> types;
  for (std::size_t i = from; i < events.size(); ++i)
    types.push_back(events[i].nct_id + " " + std::string(trialwatch::core::event_type_name(events[i].type)));
  std::sort(types.begin(), types.end());
  return types;
}

std::size_t requests_since(DaemonFixture& f, std::size_t from) { return f.registry.registry.requests().size() - from; }

}  // namespace

TEST_CASE("a multi-day scenario leaves exactly the expected versions and events", "[integration][sync]") {
  const auto engine = GENERATE(TestEngine::sqlite, TestEngine::postgres);
  INFO("engine: " << trialwatch::testing::engine_name(engine));
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), k_scenario_studies,
                  k_without_discovery, engine);
  std::size_t seen_events = 0;
  std::size_t seen_requests = 0;
  auto next = [&](int expected_exit = 0) {
    const auto result = f.run_once();
    INFO(result.output);
    REQUIRE(result.exit_code == expected_exit);
    const auto events = f.events();
    auto types = types_since(events, seen_events);
    seen_events = events.size();
    return types;
  };
  auto requests = [&] {
    const auto n = requests_since(f, seen_requests);
    seen_requests = f.registry.registry.requests().size();
    return n;
  };

  // Day 0: the baseline is one study_tracked per study and nothing else.
  CHECK(next() == std::vector<std::string>{"NCT00763412 study_tracked", "NCT04280705 study_tracked",
                                           "NCT06613490 study_tracked"});
  CHECK(requests() == 3);  // version, one watermark page, one page of full documents
  for (const auto& e : f.events()) {
    CHECK(e.provenance == Provenance::tracking);
    CHECK(e.source == "config");
    CHECK(e.data_timestamp == "2026-09-01T09:00:05");
    CHECK(e.version == 1);
  }

  SECTION("a second run over the same data adds nothing and costs one request") {
    CHECK(next().empty());
    CHECK(requests() == 1);
  }

  SECTION("days of sponsor updates, results and reprocessing") {
    REQUIRE(f.registry.registry.advance_day());
    CHECK(next() == std::vector<std::string>{"NCT06613490 last_updated", "NCT06613490 status_changed"});
    CHECK(requests() == 3);  // only the changed study is fetched in full
    const auto status = f.events().back();

    REQUIRE(f.registry.registry.advance_day());
    CHECK(next() == std::vector<std::string>{"NCT06613490 dates_changed", "NCT06613490 last_updated",
                                             "NCT06613490 status_changed"});

    REQUIRE(f.registry.registry.advance_day());  // results submitted: no new lastUpdatePostDate
    CHECK(next() == std::vector<std::string>{"NCT06613490 results_submitted"});

    REQUIRE(f.registry.registry.advance_day());
    CHECK(next() == std::vector<std::string>{"NCT06613490 last_updated", "NCT06613490 results_posted"});
    const auto events = f.events();
    const auto posted = std::find_if(events.begin(), events.end(),
                                     [](const StoredEvent& e) { return e.type == EventType::results_posted; });
    REQUIRE(posted != events.end());
    CHECK(posted->new_json == "\"2026-09-04\"");
    CHECK(posted->provenance == Provenance::sponsor_update);
    CHECK(posted->version == 5);
    CHECK(posted->data_timestamp == "2026-09-07T09:00:05");

    // Not refreshed: exactly one request, nothing written.
    requests();
    CHECK(next().empty());
    CHECK(requests() == 1);

    // Reprocessing never moves the watermark; the periodic full reconcile finds it.
    REQUIRE(f.registry.registry.advance_day());
    CHECK(next().empty());
    const auto reconciled = f.run_once({"--reconcile"});
    INFO(reconciled.output);
    REQUIRE(reconciled.exit_code == 0);
    CHECK(types_since(f.events(), seen_events) == std::vector<std::string>{"NCT04280705 study_reprocessed"});
    CHECK(f.events().back().provenance == Provenance::registry_reprocessing);

    // Re-running changes nothing; event ids are stable.
    const auto before = f.events();
    REQUIRE(f.run_once({"--reconcile"}).exit_code == 0);
    CHECK(f.events().size() == before.size());
    CHECK(status.id.size() == 32);
  }
}

TEST_CASE("a faulty day writes nothing and the next good day catches up completely", "[integration][sync]") {
  auto scenario = [] {
    fr::Scenario s = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
    s.days.resize(3);  // baseline, status change, completion
    return s;
  };
  const auto engine = GENERATE(TestEngine::sqlite, TestEngine::postgres);
  INFO("engine: " << trialwatch::testing::engine_name(engine));
  DaemonFixture faulty(scenario(), k_scenario_studies, "", engine);
  DaemonFixture clean(scenario(), k_scenario_studies, "", engine);
  REQUIRE(faulty.run_once().exit_code == 0);
  REQUIRE(clean.run_once().exit_code == 0);
  const auto baseline = faulty.events().size();

  REQUIRE(faulty.registry.registry.advance_day());
  SECTION("503 on every list request") {
    faulty.registry.registry.add_fault(fr::Fault{.path = "^/api/v2/studies$", .times = -1, .status = 503});
  }
  SECTION("a truncated body on the full fetch") {
    faulty.registry.registry.add_fault(fr::Fault{.path = "^/api/v2/studies$",
                                                 .query_contains = trialwatch::testing::k_full_fetch_query,
                                                 .times = -1,
                                                 .kind = fr::Fault::Kind::truncate,
                                                 .truncate_to = 200});
  }
  SECTION("HTML with 200 on the watermark pass") {
    faulty.registry.registry.add_fault(fr::Fault{
        .path = "^/api/v2/studies$", .query_contains = "fields=", .times = -1, .kind = fr::Fault::Kind::html});
  }
  const auto failed = faulty.run_once();
  INFO(failed.output);
  CHECK(failed.exit_code == 75);
  CHECK(faulty.events().size() == baseline);

  faulty.registry.registry.clear_faults();
  REQUIRE(faulty.registry.registry.advance_day());
  REQUIRE(faulty.run_once().exit_code == 0);

  REQUIRE(clean.registry.registry.advance_day());
  REQUIRE(clean.run_once().exit_code == 0);
  REQUIRE(clean.registry.registry.advance_day());
  REQUIRE(clean.run_once().exit_code == 0);

  // The faulty run skipped a day, so versions differ, but the final state and the changes of the record agree.
  std::set<std::string> faulty_types, clean_types;
  for (const auto& e : faulty.events())
    faulty_types.insert(e.nct_id + " " + std::string(trialwatch::core::event_type_name(e.type)));
  for (const auto& e : clean.events())
    clean_types.insert(e.nct_id + " " + std::string(trialwatch::core::event_type_name(e.type)));
  CHECK(faulty_types == clean_types);
  auto final_status = [](DaemonFixture& f) {
    auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
    const trialwatch::store::Versions versions(db);
    return versions.study(*trialwatch::core::NctId::parse("NCT06613490"))->summary.overall_status;
  };
  CHECK(final_status(faulty) == "COMPLETED");
  CHECK(final_status(clean) == "COMPLETED");
}

TEST_CASE("1200 tracked studies with 3 changed cost no more than 1 + 3 + 3 requests", "[integration][sync]") {
  const fr::Json model = fr::Json::parse(trialwatch::testing::read_test_file("ctgov/studies/NCT00973089.json"));
  fr::Scenario scenario;
  std::vector<std::string> ids;
  for (int i = 1; i <= 1200; ++i) {
    fr::Json copy = model;
    ids.push_back("NCT1" + std::to_string(10000000 + i).substr(1));
    copy.ensure_path("protocolSection.identificationModule").set("nctId", fr::Json::string(ids.back()));
    scenario.base.put(std::move(copy));
  }
  scenario.days.push_back(fr::ScenarioDay{"2026-09-01T09:00:05", true, {}});
  fr::ScenarioDay day1{"2026-09-02T09:00:04", true, {}};
  for (const char* id : {"NCT10000007", "NCT10000600", "NCT10001200"})
    day1.edit(id, [](fr::Json& s) {
      fr::edits::set_overall_status(s, "COMPLETED");
      fr::edits::bump_last_update(s, "2026-09-01");
    });
  scenario.days.push_back(std::move(day1));
  DaemonFixture f(std::move(scenario), ids, k_without_discovery);

  const auto baseline = f.run_once();
  INFO(baseline.output);
  REQUIRE(baseline.exit_code == 0);
  CHECK(f.events().size() == 1200);
  const auto before = f.registry.registry.requests().size();
  // version, 3 watermark batches of <= 500, and 3 pages of full documents sized by bytes (1,200 studies without
  // results, expected at 20 KB each: pages of 8 MiB hold 419), each page one larger than its batch, so no page is
  // full and none is followed by an empty one.
  CHECK(before == 1 + 3 + 3);

  REQUIRE(f.registry.registry.advance_day());
  REQUIRE(f.run_once().exit_code == 0);
  const auto log = f.registry.registry.requests();
  const std::size_t used = log.size() - before;
  CHECK(used <= 7);
  CHECK(used == 5);  // version, 3 watermark batches, 1 page with the 3 changed documents
  for (std::size_t i = before; i < log.size(); ++i) {
    if (log[i].path != "/api/v2/studies") continue;
    const auto ids_param = log[i].query.substr(0, log[i].query.find('&'));
    CHECK(std::count(ids_param.begin(), ids_param.end(), ',') < 500);
  }
  // WITHDRAWN -> COMPLETED with a primary completion of 2015-03 (ACTUAL) and no results: overdue since 2016-03-31.
  CHECK(types_since(f.events(), 1200) ==
        std::vector<std::string>{
            "NCT10000007 last_updated", "NCT10000007 results_overdue", "NCT10000007 status_changed",
            "NCT10000600 last_updated", "NCT10000600 results_overdue", "NCT10000600 status_changed",
            "NCT10001200 last_updated", "NCT10001200 results_overdue", "NCT10001200 status_changed"});
}

TEST_CASE("removals and aliases are confirmed with one GET before they are recorded", "[integration][sync]") {
  fr::Scenario scenario = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  scenario.days.resize(1);
  fr::ScenarioDay day1{"2026-09-02T09:00:04", true, {}};
  day1.remove("NCT00763412");
  day1.alias("NCT04280705", "NCT04267848");
  scenario.days.push_back(std::move(day1));
  DaemonFixture f(std::move(scenario), k_scenario_studies, k_without_discovery);
  REQUIRE(f.run_once().exit_code == 0);
  f.registry.registry.clear_requests();
  REQUIRE(f.registry.registry.advance_day());
  const auto result = f.run_once();
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(types_since(f.events(), 3) == std::vector<std::string>{"NCT00763412 study_removed", "NCT04267848 study_tracked",
                                                               "NCT04280705 study_aliased"});
  const auto log = f.registry.registry.requests();
  CHECK(std::count_if(log.begin(), log.end(), [](const auto& r) { return r.path == "/api/v2/studies/NCT00763412"; }) ==
        1);
  // A second run neither repeats the removal nor asks again.
  f.registry.registry.clear_requests();
  REQUIRE(f.run_once().exit_code == 0);
  CHECK(f.events().size() == 6);
}

TEST_CASE("a bad configuration exits 78 with file:line and touches nothing", "[integration][sync]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"}, "colour = \"red\"");
  const auto result = f.run_once();
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output, Catch::Contains("trialwatch.toml:4: unknown key 'api.colour'"));
  CHECK(f.registry.registry.requests().empty());
}

TEST_CASE("an unreachable registry exits 75 and writes no event", "[integration][sync]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  f.registry.registry.stop();
  const auto result = f.run_once();
  CHECK(result.exit_code == 75);
  CHECK_THAT(result.output, Catch::Contains("sync failed"));
  CHECK(f.events().empty());
}
