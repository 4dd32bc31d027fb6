// SPDX-License-Identifier: MIT
// A poison record (issue #19): one study whose record the registry serves but no strict parser accepts is skipped
// and retried, while the real trialwatchd syncs everything else and reports the cycle as partial.

#include "tests/fakeregistry/edits.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

const std::string k_poison = "NCT00973089";

// Return the event types stored after the first `from`, as "NCT… type", sorted.
std::vector<std::string> types_since(const DaemonFixture& f, std::size_t from) {
  const auto events = f.events();
  std::vector<std::string> types;
  for (std::size_t i = from; i < events.size(); ++i)
    types.push_back(events[i].nct_id + " " + std::string(trialwatch::core::event_type_name(events[i].type)));
  std::sort(types.begin(), types.end());
  return types;
}

// The last run record and the completed dataTimestamp, as `trialwatch status` reads them.
std::pair<trialwatch::store::RunRecord, std::optional<std::string>> last_run(const DaemonFixture& f) {
  auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
  const trialwatch::store::Runs runs(db);
  return {*runs.last(), runs.completed_data_timestamp()};
}

}  // namespace

TEST_CASE("a record no parser accepts is skipped, everything else is synced, and it is stored once fixed",
          "[integration][sync][poison]") {
  fr::Scenario scenario = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  scenario.days.resize(3);  // the baseline, NCT06613490's status change, its completion
  // Day 1 publishes a sponsor update of the poison study whose title holds a lone surrogate; day 2 fixes it.
  scenario.days[1].edit(k_poison, [](fr::Json& study) {
    study.ensure_path("protocolSection.identificationModule")
        .set("briefTitle", fr::Json::raw_string(R"(Lupus \ud800 trial)"));
    fr::edits::bump_last_update(study, "2026-09-01");
  });
  scenario.days[2].edit(k_poison, [](fr::Json& study) {
    study.ensure_path("protocolSection.identificationModule").set("briefTitle", fr::Json::string("Lupus trial"));
    fr::edits::bump_last_update(study, "2026-09-02");
  });
  std::vector<std::string> tracked = trialwatch::testing::k_scenario_studies;
  tracked.push_back(k_poison);
  DaemonFixture f(std::move(scenario), tracked, trialwatch::testing::k_without_discovery);
  REQUIRE(f.run_once().exit_code == 0);
  const auto baseline = f.events().size();
  REQUIRE(baseline == 4);
  REQUIRE(last_run(f).second == "2026-09-01T09:00:05");

  // Day 1: the other studies' changes are stored, the poison study is skipped, and the data is not complete.
  REQUIRE(f.registry.registry.advance_day());
  const auto partial = f.run_once();
  INFO(partial.output);
  CHECK(partial.exit_code == 0);
  const std::string sentence =
      "NCT00973089 was skipped: the registry's record could not be read (the registry's study list holds a string "
      "with an invalid escape such as a lone surrogate); it is retried next cycle";
  CHECK_THAT(partial.output, Catch::Contains(sentence));
  CHECK(types_since(f, baseline) == std::vector<std::string>{"NCT06613490 last_updated", "NCT06613490 status_changed"});
  auto [run, watermark] = last_run(f);
  CHECK(run.outcome == trialwatch::store::RunOutcome::partial);
  CHECK(run.error == sentence);
  CHECK(run.fetched == 1);  // NCT06613490; the poison study's page never parsed
  CHECK(watermark == "2026-09-01T09:00:05");
  const auto status = trialwatch::testing::run_process({TRIALWATCH_CLI_PATH, "--db", f.db_path(), "status"},
                                                       trialwatch::testing::isolated_env({{"COLUMNS", "400"}}));
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.output, Catch::Contains("partial") && Catch::Contains("NCT00973089 was skipped"));

  // The same data again: not "already synced", the poison study is tried again, nothing is stored twice.
  const auto again = f.run_once();
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(f.events().size() == baseline + 2);
  CHECK(last_run(f).first.outcome == trialwatch::store::RunOutcome::partial);

  // Day 2: the record is fixed; it is stored with its changes and the data is complete.
  REQUIRE(f.registry.registry.advance_day());
  const auto fixed = f.run_once();
  INFO(fixed.output);
  CHECK(fixed.exit_code == 0);
  CHECK(types_since(f, baseline + 2) ==
        std::vector<std::string>{"NCT00973089 last_updated", "NCT00973089 title_changed", "NCT06613490 dates_changed",
                                 "NCT06613490 last_updated", "NCT06613490 status_changed"});
  std::tie(run, watermark) = last_run(f);
  CHECK(run.outcome == trialwatch::store::RunOutcome::ok);
  CHECK(run.error.empty());
  CHECK(watermark == "2026-09-03T09:00:06");
}

TEST_CASE("a record that cannot be read in the watermark pass is skipped there, not fetched or confirmed as missing",
          "[integration][sync][poison]") {
  fr::Scenario scenario = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  scenario.days.resize(2);  // the baseline, NCT06613490's status change
  scenario.days[1].edit(k_poison, [](fr::Json& study) {
    study.ensure_path("protocolSection.statusModule").set("overallStatus", fr::Json::raw_string(R"(\ud800)"));
  });
  std::vector<std::string> tracked = trialwatch::testing::k_scenario_studies;
  tracked.push_back(k_poison);
  DaemonFixture f(std::move(scenario), tracked, trialwatch::testing::k_without_discovery);
  REQUIRE(f.run_once().exit_code == 0);
  REQUIRE(f.registry.registry.advance_day());
  f.registry.registry.clear_requests();

  const auto partial = f.run_once();
  INFO(partial.output);
  CHECK(partial.exit_code == 0);
  CHECK(types_since(f, 4) == std::vector<std::string>{"NCT06613490 last_updated", "NCT06613490 status_changed"});
  const auto [run, watermark] = last_run(f);
  CHECK(run.outcome == trialwatch::store::RunOutcome::partial);
  CHECK_THAT(run.error, Catch::StartsWith("NCT00973089 was skipped"));
  CHECK(watermark == "2026-09-01T09:00:05");
  const auto log = f.registry.registry.requests();
  CHECK(std::none_of(log.begin(), log.end(), [](const auto& r) {
    const bool full_fetch = trialwatch::testing::is_full_fetch(r.query);
    return r.path == "/api/v2/studies/NCT00973089" || (full_fetch && r.query.find("NCT00973089") != std::string::npos);
  }));
  const auto warnings = [&] {
    std::size_t n = 0;
    for (auto at = partial.output.find("NCT00973089 was skipped"); at != std::string::npos;
         at = partial.output.find("NCT00973089 was skipped", at + 1))
      ++n;
    return n;
  }();
  CHECK(warnings == 1);
}
