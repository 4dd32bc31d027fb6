// SPDX-License-Identifier: MIT
// Saved searches and related-trial discovery: trialwatchd --once with the documented example configuration, against
// the fake registry serving the recorded documents plus the constructed field around NCT06613490.
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using trialwatch::core::EventType;
using trialwatch::store::StoredEvent;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;

namespace {

// The registry: every recorded and constructed study and the field, except two trials first posted on days 1 and 2.
fr::Scenario field_scenario() {
  fr::Scenario scenario;
  scenario.base = fr::load_documents(test_data_dir() / "ctgov");
  const auto field = fr::load_documents(test_data_dir() / "field");
  for (const auto& [id, study] : field.studies())
    if (id != "NCT09900010" && id != "NCT09900011") scenario.base.put(study);
  scenario.days.push_back(fr::ScenarioDay{"2026-08-20T09:00:05", true, {}});
  scenario.days.push_back(fr::ScenarioDay{"2026-08-21T09:00:04", true, {}});
  scenario.days.back().put(*field.find("NCT09900010"));
  scenario.days.push_back(fr::ScenarioDay{"2026-08-22T09:00:03", true, {}});
  scenario.days.back().put(*field.find("NCT09900011"));
  return scenario;
}

// The example of examples/trialwatch.toml: the saved search and related-trial suggestions (tracking NCT06613490 is
// the fixture's).
const std::string k_example = R"toml(
[[search]]
name = "car-cell-therapy-autoimmune"
cond = "rheumatoid arthritis OR antisynthetase syndrome OR myositis OR lupus"
intr = "CAR-T OR CAR-NK OR chimeric antigen receptor"
[related]
mode = "MODE"
)toml";

std::string example(const std::string& mode) {
  std::string text = k_example;
  text.replace(text.find("MODE"), 4, mode);
  return text;
}

std::vector<std::string> typed(const std::vector<StoredEvent>& events, std::size_t from, EventType type) {
  std::vector<std::string> ids;
  for (std::size_t i = from; i < events.size(); ++i)
    if (events[i].type == type) ids.push_back(events[i].nct_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

struct Run {
  DaemonFixture& f;
  std::size_t events_before = 0;
  std::size_t requests_before = 0;

  // Run trialwatchd --once; return the requests it made.
  std::vector<fr::LoggedRequest> once() {
    events_before = std::filesystem::exists(f.db_path()) ? f.events().size() : 0;
    requests_before = f.registry.registry.requests().size();
    const auto result = f.run_once();
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const auto all = f.registry.registry.requests();
    return {all.begin() + static_cast<std::ptrdiff_t>(requests_before), all.end()};
  }
  std::vector<std::string> new_events(EventType type) const { return typed(f.events(), events_before, type); }
  ProcessResult cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    return run_process(args, trialwatch::testing::isolated_env({{"NO_COLOR", "1"}}));
  }
};

// How many of `requests` have `text` in their (percent-encoded) query string.
std::size_t count_with(const std::vector<fr::LoggedRequest>& requests, const std::string& text) {
  return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [&](const fr::LoggedRequest& r) {
    return r.query.find(text) != std::string::npos;
  }));
}

}  // namespace

TEST_CASE("a saved search tracks its matches quietly, then only the new ones of its window",
          "[integration][discovery]") {
  DaemonFixture f(field_scenario(), {"NCT06613490"}, example("suggest"));
  Run run{f};

  // Day 0: every current match is tracked with study_tracked only; no flood of search_matched.
  auto requests = run.once();
  CHECK(run.new_events(EventType::study_tracked) ==
        std::vector<std::string>{"NCT06613490", "NCT09900001", "NCT09900002", "NCT09900003", "NCT09900004"});
  CHECK(run.new_events(EventType::search_matched).empty());
  REQUIRE(count_with(requests, "query.cond=rheumatoid") == 1);
  CHECK(count_with(requests, "filter.advanced") == 0);  // the first run has no window
  const auto list = run.cli({"list", "--json"});
  CHECK(list.output.find(R"("nct_id":"NCT09900003","title":"BCMA-CD19 Compound CAR-T Cells in Refractory )"
                         R"(Rheumatoid Arthritis","status":"RECRUITING","last_update_posted":"2026-04-24",)"
                         R"("source":"search:car-cell-therapy-autoimmune")") != std::string::npos);

  // The same data again: one request, nothing new (the search already ran on this data, discovery is not due).
  CHECK(run.once().size() == 1);
  CHECK(f.events().size() == run.events_before);

  // Day 1: NCT09900010 is first posted; the search asks only for the window since day 0, minus a day of overlap.
  REQUIRE(f.registry.registry.advance_day());
  requests = run.once();
  CHECK(count_with(requests, "query.cond=rheumatoid") == 1);
  CHECK(count_with(requests, "filter.advanced=AREA%5BLastUpdatePostDate%5DRANGE%5B2026-08-19,MAX%5D") == 1);
  CHECK(run.new_events(EventType::search_matched) == std::vector<std::string>{"NCT09900010"});
  CHECK(run.new_events(EventType::study_tracked) == std::vector<std::string>{"NCT09900010"});
  CHECK(run.new_events(EventType::related_found).empty());  // discovery runs once per full_reconcile, not per cycle
  // version, the windowed search, one watermark page, one page of the new study's document: nothing else.
  CHECK(requests.size() == 4);
  for (const auto& event : f.events())
    if (event.type == EventType::search_matched) {
      CHECK(event.source == "search:car-cell-therapy-autoimmune");
      CHECK(event.summary.find("Saved search 'car-cell-therapy-autoimmune' found NCT09900010") == 0);
    }

  // The user untracks it; day 2 brings NCT09900011, and the overlapping window sees NCT09900010 again.
  REQUIRE(run.cli({"untrack", "NCT09900010"}).exit_code == 0);
  REQUIRE(f.registry.registry.advance_day());
  requests = run.once();
  CHECK(count_with(requests, "RANGE%5B2026-08-20,MAX%5D") == 1);
  CHECK(run.new_events(EventType::search_matched) == std::vector<std::string>{"NCT09900011"});
  const auto tracked = run.cli({"list", "--json"}).output;
  CHECK(tracked.find("NCT09900011") != std::string::npos);
  CHECK(tracked.find("NCT09900010") == std::string::npos);  // untracked stays untracked
}

TEST_CASE("related trials of NCT06613490 are suggested with their reasons, once", "[integration][discovery]") {
  DaemonFixture f(field_scenario(), {"NCT06613490"}, "[related]\nmode = \"suggest\"\n");
  Run run{f};
  const auto requests = run.once();
  // Everything that shares enough and is not tracked yet; not metformin in diabetes, not BCMA CAR-T in myeloma.
  CHECK(run.new_events(EventType::related_found) ==
        std::vector<std::string>{"NCT07315503", "NCT09900001", "NCT09900002", "NCT09900003", "NCT09900004",
                                 "NCT09900007", "NCT09900008"});
  CHECK(run.new_events(EventType::study_tracked) == std::vector<std::string>{"NCT06613490"});  // suggest: not tracked
  // version, watermark, documents, and at most five candidate queries for the one study.
  CHECK(requests.size() <= 3 + 5);
  CHECK(count_with(requests, "sort=%40relevance") == requests.size() - 3);

  const auto json = run.cli({"related", "NCT06613490", "--json"});
  REQUIRE(json.exit_code == 0);
  // Best first: CAR cell therapies in the same or neighbouring diseases, then GC012F in RA, then RA trials of other
  // kinds of drug.
  std::vector<std::string> order;
  for (auto at = json.output.find("\"nct_id\":\""); at != std::string::npos;
       at = json.output.find("\"nct_id\":\"", at + 1))
    order.push_back(json.output.substr(at + 10, 11));
  // (NCT09900002, the same CAR-NK product from the same hospital, ties with NCT09900004; ties go by NCT ID.)
  CHECK(order == std::vector<std::string>{"NCT09900002", "NCT09900004", "NCT09900001", "NCT09900003", "NCT07315503",
                                          "NCT09900008", "NCT09900007"});
  CHECK(json.output.find(R"({"subject":"NCT06613490","nct_id":"NCT07315503","title":"An Open-label Study of GC012F )"
                         R"(in Rheumatoid Arthritis.","score":7,"reasons":["shares condition Rheumatoid Arthritis",)"
                         R"("both BIOLOGICAL","both EARLY_PHASE1"])") != std::string::npos);
  const auto human = run.cli({"related"});
  CHECK(human.output.find("trialwatch track NCT") != std::string::npos);

  // Every later cycle on new data skips discovery: it is due again only after full_reconcile.
  REQUIRE(f.registry.registry.advance_day());
  const auto later = run.once();
  CHECK(count_with(later, "sort=%40relevance") == 0);
  CHECK(run.new_events(EventType::related_found).empty());
}

TEST_CASE("mode track tracks the related trials and fetches them in the same cycle", "[integration][discovery]") {
  DaemonFixture f(field_scenario(), {"NCT06613490"}, "[related]\nmode = \"track\"\nmax_per_study = 2\n");
  Run run{f};
  run.once();
  const auto found = run.new_events(EventType::related_found);
  REQUIRE(found.size() == 2);
  auto tracked = run.new_events(EventType::study_tracked);
  for (const auto& id : found) CHECK(std::count(tracked.begin(), tracked.end(), id) == 1);
  const auto list = run.cli({"list", "--json"}).output;
  CHECK(list.find(R"("source":"related:NCT06613490")") != std::string::npos);
}

TEST_CASE("a search the registry rejects is reported and the rest of the work goes on", "[integration][discovery]") {
  DaemonFixture f(field_scenario(), {"NCT06613490"},
                  "[[search]]\nname = \"broken\"\nadvanced = \"AREA[NoSuchPiece]CAR\"\n" + example("off"));
  Run run{f};
  const auto result = f.run_once();
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("saved search 'broken' was rejected") != std::string::npos);
  CHECK(result.output.find("Unknown area name NoSuchPiece") != std::string::npos);
  CHECK(typed(f.events(), 0, EventType::study_tracked).size() == 5);  // the good search and the config still worked
  // Not retried on the same data: the next check is one request.
  CHECK(run.once().size() == 1);
  // `trialwatch status` shows which search the registry rejected, and why.
  const auto status = run.cli({"status"}).output;
  INFO(status);
  CHECK(status.find("search broken") != std::string::npos);
  CHECK(status.find("the registry rejected the search: Error parsing query: Unknown area name NoSuchPiece (fix it "
                    "in the configuration)") != std::string::npos);
  CHECK(run.cli({"status", "--json"}).output.find(R"("searches":[{"name":"broken","completed_at":null,)") !=
        std::string::npos);
}

TEST_CASE("a search that matches more than max_matches tracks that many and says so", "[integration][discovery]") {
  std::string config = example("off");
  config.insert(config.find("[related]"), "max_matches = 2\n");
  DaemonFixture f(field_scenario(), {"NCT06613490"}, config);
  const auto result = f.run_once();
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("saved search 'car-cell-therapy-autoimmune' matches more studies than its max_matches (2); "
                           "the rest are not tracked: narrow the search or raise max_matches") != std::string::npos);
  // The config's own study and the first two matches (NCT order on the fake registry).
  CHECK(typed(f.events(), 0, EventType::study_tracked) ==
        std::vector<std::string>{"NCT06613490", "NCT09900001", "NCT09900002"});
  CHECK(typed(f.events(), 0, EventType::related_found).empty());  // related.mode = "off"
}

TEST_CASE("related trials are looked for again after full_reconcile: new ones are found, none twice",
          "[integration][discovery]") {
  DaemonFixture f(field_scenario(), {"NCT06613490"});
  f.write_config({"NCT06613490"}, "[related]\nmode = \"suggest\"\n", "full_reconcile = \"1s\"\n");
  Run run{f};
  run.once();
  const auto first = run.new_events(EventType::related_found);
  REQUIRE_FALSE(first.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  REQUIRE(f.registry.registry.advance_day());
  const auto requests = run.once();
  CHECK(count_with(requests, "sort=%40relevance") >= 1);  // due again: the candidate queries ran
  // It finds the trial posted since (CD19 CAR-T in antisynthetase syndrome), and none of the earlier ones again.
  CHECK(run.new_events(EventType::related_found) == std::vector<std::string>{"NCT09900010"});
}

TEST_CASE("a configuration that puts bare NCT IDs in a search is refused", "[integration][discovery]") {
  DaemonFixture f(field_scenario(), {"NCT06613490"},
                  "[[search]]\nname = \"ids\"\nterm = \"NCT06613490 OR NCT07315503\"\n");
  const auto result = f.run_once();
  CHECK(result.exit_code == 78);
  CHECK(result.output.find("holds only NCT IDs") != std::string::npos);
  CHECK(f.registry.registry.requests().empty());
}

TEST_CASE("a saved search's unreadable match is skipped, the others tracked, and the window kept for it",
          "[integration][discovery][poison]") {
  fr::Scenario scenario = field_scenario();
  // Day 1 posts NCT09900010 with a title no JSON parser accepts (a lone surrogate); day 2 fixes it.
  scenario.days[1].edit("NCT09900010", [](fr::Json& study) {
    study.ensure_path("protocolSection.identificationModule")
        .set("briefTitle", fr::Json::raw_string(R"(CAR-T \ud800 lupus)"));
  });
  const auto field = fr::load_documents(test_data_dir() / "field");
  scenario.days[2].put(*field.find("NCT09900010"));
  DaemonFixture f(std::move(scenario), {"NCT06613490"}, example("off"));
  Run run{f};
  run.once();

  // Day 1: the windowed search meets the poison record: it is skipped with a warning, the window stays at day 0.
  REQUIRE(f.registry.registry.advance_day());
  const auto day1 = f.run_once();
  INFO(day1.output);
  REQUIRE(day1.exit_code == 0);
  CHECK(day1.output.find("saved search 'car-cell-therapy-autoimmune' skipped NCT09900010: ") != std::string::npos);
  CHECK(typed(f.events(), 0, EventType::search_matched).empty());

  // Day 2: the record is fixed; the search looks again from day 0 and finds both new trials.
  REQUIRE(f.registry.registry.advance_day());
  const auto requests = run.once();
  CHECK(count_with(requests, "RANGE%5B2026-08-19,MAX%5D") == 1);
  CHECK(run.new_events(EventType::search_matched) == std::vector<std::string>{"NCT09900010", "NCT09900011"});
}
