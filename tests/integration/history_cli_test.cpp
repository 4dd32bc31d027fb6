// SPDX-License-Identifier: MIT
// The registry's past versions through the command line: `history`, `show --version rN`, `diff --from rN`, and
// `backfill`, against a real trialwatchd that backfilled NCT04280705 from the fake registry's website endpoints.

#include "tests/integration/backfill_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using trialwatch::testing::Backfilling;
using trialwatch::testing::history_requests;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::test_data_dir;

namespace {

const std::string k_study = "NCT04280705";

// The position of the first line of `output` that starts with `start`, or npos.
std::size_t line_starting(const std::string& output, const std::string& start) {
  if (output.rfind(start, 0) == 0) return 0;
  return output.find("\n" + start);
}

}  // namespace

TEST_CASE("history shows the registry's past versions with their dates and events, then the versions seen live",
          "[integration][cli][backfill]") {
  const Backfilling b("full");
  const auto run = b.f.run_once();
  INFO(run.output);
  REQUIRE(run.exit_code == 0);

  const auto human = b.cli({"history", k_study});
  INFO(human.output);
  REQUIRE(human.exit_code == 0);
  CHECK_THAT(human.output, Catch::Contains("2 past versions from the registry's history"));
  const auto r0 = line_starting(human.output, "r0 ");
  const auto r1 = line_starting(human.output, "r1 ");
  const auto live = line_starting(human.output, "1 ");
  REQUIRE(r0 != std::string::npos);
  REQUIRE(r1 != std::string::npos);
  REQUIRE(live != std::string::npos);
  CHECK(r0 < r1);
  CHECK(r1 < live);
  const std::string r0_line = human.output.substr(r0, human.output.find('\n', r0 + 1) - r0);
  CHECK_THAT(r0_line, Catch::Contains("2020-02-20") && Catch::Contains("NOT_YET_RECRUITING"));
  const std::string r1_line = human.output.substr(r1 + 1, human.output.find('\n', r1 + 1) - r1 - 1);
  CHECK_THAT(r1_line, Catch::Contains("2022-03-09") && Catch::Contains("status_changed"));
  // The past events sit under their version, not among the events of no version at the end.
  const auto status_event = human.output.find("status_changed");
  CHECK(status_event > r1);
  CHECK(status_event < live);

  const auto json = b.cli({"history", k_study, "--json"});
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.output,
             // Results due: 12 months after the primary completion, 2023-04-01 (ESTIMATED) in 2020, 2020-05-21 (ACTUAL)
             // in 2022.
             Catch::Contains(
                 R"("past_versions":[{"registry_version":0,"posted_date":"2020-02-20",)"
                 R"("status":"NOT_YET_RECRUITING","fetched":true,"results_due":"2024-04-01",)"
                 R"("results_due_estimated":true},{"registry_version":1,"posted_date":"2022-03-09",)"
                 R"("status":"COMPLETED","fetched":true,"results_due":"2021-05-21","results_due_estimated":false}],)"
                 R"("versions":[{"version":1,)"));
  CHECK_THAT(json.output, Catch::Contains(R"("registry_version":1,"posted_date":"2022-03-09"})"));

  // events --nct includes the past events.
  const auto events = b.cli({"events", "--nct", k_study, "--json"});
  REQUIRE(events.exit_code == 0);
  CHECK_THAT(events.output, Catch::Contains(R"("provenance":"registry_history")"));
}

TEST_CASE("show and diff name past versions rN and compare them with live ones in substance",
          "[integration][cli][backfill]") {
  const Backfilling b("full");
  REQUIRE(b.f.run_once().exit_code == 0);

  const auto shown = b.cli({"show", k_study, "--version", "r0"});
  INFO(shown.output);
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.output, Catch::Contains("past version r0 of r0 to r1") && Catch::Contains("posted 2020-02-20"));
  CHECK_THAT(shown.output, Catch::Contains("NOT_YET_RECRUITING"));
  CHECK_THAT(shown.output, !Catch::Contains("&#x2F;") && !Catch::Contains("&lt;"));  // the website's escapes read

  const auto raw = b.cli({"show", k_study, "--version", "r0", "--raw"});
  REQUIRE(raw.exit_code == 0);
  const auto recorded = trialwatch::testing::read_file(test_data_dir() / "ctgov/history/NCT04280705.history-v0.json");
  REQUIRE(raw.output.size() > 20000);
  CHECK(recorded.find(raw.output.substr(0, raw.output.size() - 1)) != std::string::npos);  // exact bytes

  const auto missing = b.cli({"show", k_study, "--version", "r7"});
  CHECK(missing.exit_code == 64);
  CHECK_THAT(missing.output, Catch::Contains("has no registry version 7; its past versions are r0 to r1"));

  const auto changes = b.cli({"diff", k_study, "--from", "r0", "--to", "r1", "--json"});
  INFO(changes.output);
  REQUIRE(changes.exit_code == 0);
  CHECK_THAT(changes.output, Catch::StartsWith(R"({"nct_id":"NCT04280705","from":"r0","to":"r1","changes":[)"));
  CHECK_THAT(changes.output,
             Catch::Contains(R"("path":"protocolSection.statusModule.overallStatus","old":"NOT_YET_RECRUITING",)"
                             R"("new":"COMPLETED")"));
  CHECK_THAT(changes.output, !Catch::Contains("derivedSection"));

  // r1 is the API v2 record in the website's formatting: in substance the same as live version 1.
  const auto bridge = b.cli({"diff", k_study, "--from", "r1", "--to", "1"});
  INFO(bridge.output);
  REQUIRE(bridge.exit_code == 0);
  CHECK_THAT(bridge.output, Catch::StartsWith("NCT04280705  version r1 → 1: 0 field changes"));
  const auto defaulted = b.cli({"diff", k_study, "--to", "r1", "--json"});
  CHECK_THAT(defaulted.output, Catch::StartsWith(R"({"nct_id":"NCT04280705","from":"r0","to":"r1",)"));

  const auto backwards = b.cli({"diff", k_study, "--from", "1", "--to", "r0"});
  CHECK(backwards.exit_code == 64);
  CHECK_THAT(backwards.output, Catch::Contains("--from 1 must come before --to r0"));
  const auto malformed = b.cli({"show", k_study, "--version", "x1"});
  CHECK(malformed.exit_code == 64);
  CHECK_THAT(malformed.output, Catch::Contains("--version x1: give a version seen live"));
}

TEST_CASE("a status backfill lists past versions, and backfill --full makes the next run fetch them",
          "[integration][cli][backfill]") {
  const Backfilling b("status");
  REQUIRE(b.f.run_once().exit_code == 0);
  CHECK(history_requests(b.f) == 1);

  const auto listed = b.cli({"history", k_study});
  REQUIRE(listed.exit_code == 0);
  CHECK_THAT(listed.output, Catch::Contains("not fetched"));
  CHECK_THAT(b.cli({"history", k_study, "--json"}).output, Catch::Contains(R"("fetched":false)"));

  const auto not_fetched = b.cli({"show", k_study, "--version", "r0"});
  CHECK(not_fetched.exit_code == 64);
  CHECK_THAT(not_fetched.output, Catch::Contains("was listed but not fetched") &&
                                     Catch::Contains("trialwatch backfill NCT04280705 --full"));

  const auto again = b.cli({"backfill", k_study, "--status"});
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Contains("is already backfilled: its list of past versions is stored"));

  const auto queued = b.cli({"backfill", "nct04280705"});
  INFO(queued.output);
  REQUIRE(queued.exit_code == 0);
  CHECK(queued.output ==
        "NCT04280705 queued for a full backfill; trialwatchd fetches the past versions not fetched yet at its next "
        "cycle\n");
  const auto twice = b.cli({"backfill", k_study, "--full"});
  CHECK_THAT(twice.output, Catch::Contains("is already queued for a full backfill"));

  REQUIRE(b.f.run_once().exit_code == 0);
  CHECK(history_requests(b.f) == 3);  // the two documents; the list was read already
  const auto shown = b.cli({"show", k_study, "--version", "r0"});
  INFO(shown.output);
  CHECK(shown.exit_code == 0);
  CHECK_THAT(b.cli({"backfill", k_study}).output,
             Catch::Contains("is already backfilled: it has every past version the registry listed (2)"));
}

TEST_CASE("backfill refuses what it cannot queue with a sentence", "[integration][cli][backfill]") {
  const Backfilling b("off");
  REQUIRE(b.f.run_once().exit_code == 0);
  const auto malformed = b.cli({"backfill", "NCT0428070"});
  CHECK(malformed.exit_code == 64);
  CHECK_THAT(malformed.output, Catch::StartsWith("trialwatch: "));
  const auto untracked = b.cli({"backfill", k_study, "NCT00000001"});
  CHECK(untracked.exit_code == 64);
  CHECK_THAT(untracked.output, Catch::Contains("NCT00000001 is not tracked; track it first"));
  // Nothing was queued for the tracked study either: every ID is checked first.
  CHECK_THAT(b.cli({"backfill", k_study, "--status"}).output, Catch::Contains("queued for a status backfill"));
  const auto both = b.cli({"backfill", k_study, "--full", "--status"});
  CHECK(both.exit_code == 64);
  CHECK_THAT(both.output, Catch::Contains("not both"));
  // Without past versions, history says so in no way at all: the output of before.
  const auto history = b.cli({"history", k_study});
  CHECK_THAT(history.output, Catch::StartsWith("NCT04280705: 1 version, ") && !Catch::Contains("STATUS"));
}

TEST_CASE("history shows where the results due date moved, version by version", "[integration][cli][backfill][due]") {
  Backfilling b("full", "NCT06613490");
  b.f.registry.registry.go_to_day(2);  // r0 and r1: completion 2026-10-20 (ESTIMATED); r2: 2026-08-28 (ACTUAL)
  REQUIRE(b.f.run_once().exit_code == 0);

  const auto human = b.cli({"history", "NCT06613490", "--wide"});
  INFO(human.output);
  REQUIRE(human.exit_code == 0);
  CHECK_THAT(human.output, Catch::Contains("RESULTS DUE"));
  const auto row = [&](const std::string& start) {
    const auto at = line_starting(human.output, start);
    REQUIRE(at != std::string::npos);
    const auto begin = human.output[at] == '\n' ? at + 1 : at;
    return human.output.substr(begin, human.output.find('\n', begin) - begin);
  };
  CHECK_THAT(row("r0 "), Catch::Contains("~2027-10-20"));  // expected: 12 months after an estimated completion
  CHECK_THAT(row("r1 "), !Catch::Contains("2027-"));       // unchanged: not repeated
  CHECK_THAT(row("r2 "), Catch::Contains("2027-08-28") && !Catch::Contains("~"));
  CHECK_THAT(row("1 "), !Catch::Contains("2027-"));

  const auto json = b.cli({"history", "NCT06613490", "--json"});
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.output,
             Catch::Contains(R"("registry_version":0,"posted_date":"2025-04-30","status":"RECRUITING","fetched":true,)"
                             R"("results_due":"2027-10-20","results_due_estimated":true})") &&
                 Catch::Contains(R"("changes":0,"results_due":"2027-08-28","results_due_estimated":false})"));
}
