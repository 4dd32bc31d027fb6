// SPDX-License-Identifier: MIT
// The real `trialwatch` binary on a database the real trialwatchd wrote over a multi-day fake-registry scenario.

#include "core/clock.hpp"
#include "store/event_json.hpp"
#include "store/queries.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/json.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/terminal.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using namespace std::chrono_literals;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;

namespace {

// Relative times are measured from here, so the output is reproducible.
const std::string k_now = "2030-01-01T00:00:00Z";

// TRIALWATCH_NOW set to the real time, for `status`: it judges the daemon by when it last checked, in real time.
std::map<std::string, std::string> real_now() {
  return {{"TRIALWATCH_NOW", trialwatch::core::format_rfc3339(std::chrono::system_clock::now())}};
}

// A database after the whole NCT06613490 story (baseline, status changes, results submitted and posted) with a
// second study tracked from the configuration.
struct StoryDatabase {
  StoryDatabase() : f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490", "NCT04280705"}) {
    REQUIRE(f.run_once().exit_code == 0);
    for (int day = 0; day < 4; ++day) {
      REQUIRE(f.registry.registry.advance_day());
      REQUIRE(f.run_once().exit_code == 0);
    }
  }

  ProcessResult cli(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    return run_process(args, environment(env));
  }

  // Run the client on a pseudo-terminal `columns` wide.
  ProcessResult cli_on_terminal(std::vector<std::string> args, unsigned short columns,
                                const std::map<std::string, std::string>& env = {}) const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    return trialwatch::testing::run_on_terminal(args, columns, environment(env));
  }

  // `env` and the defaults that make output reproducible: a fixed now, no colour, no width from the caller's shell.
  static std::map<std::string, std::string> environment(std::map<std::string, std::string> env) {
    env.emplace("TRIALWATCH_NOW", k_now);
    env.emplace("NO_COLOR", "1");
    env.emplace("COLUMNS", "");
    return env;
  }

  DaemonFixture f;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("list shows each tracked study with its status, why it is tracked and its versions", "[cli]") {
  const StoryDatabase story;
  const auto human = story.cli({"list"});
  INFO(human.output);
  REQUIRE(human.exit_code == 0);
  const auto lines = lines_of(human.output);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("STUDY        STATUS     UPDATED     WHY     VERSIONS  LAST EVENT", 0) == 0);
  CHECK(lines[1].rfind("NCT04280705  COMPLETED  2022-03-14  config  1         study_tracked", 0) == 0);
  CHECK(lines[2].rfind("NCT06613490  COMPLETED  2026-09-04  config  5         last_updated", 0) == 0);
  CHECK_THAT(lines[2], Catch::Contains("ago") && Catch::Contains("CD19 CAR NK Cells"));

  const auto json = story.cli({"list", "--json"});
  REQUIRE(json.exit_code == 0);
  const auto parsed = fr::Json::parse(json.output);
  REQUIRE(parsed.items().size() == 2);
  CHECK(parsed.items().at(1).find("nct_id")->text() == "NCT06613490");
  CHECK(parsed.items().at(1).find("versions")->text() == "5");
  CHECK(parsed.items().at(1).find("source")->text() == "config");
  CHECK(parsed.items().at(1).find("last_event")->find("type")->text() == "last_updated");
}

TEST_CASE("events are filtered by type, study, time and count, for people and scripts", "[cli]") {
  const StoryDatabase story;
  const auto all = story.cli({"events", "--jsonl"});
  REQUIRE(all.exit_code == 0);
  const auto all_lines = lines_of(all.output);
  // Two baselines, a related-trial suggestion for each (related.mode "suggest"), then 2 + 3 + 1 + 2 events over
  // four days of NCT06613490.
  CHECK(all_lines.size() == 12);

  const auto posted = story.cli({"events", "--type", "results_posted", "--json"});
  REQUIRE(posted.exit_code == 0);
  const auto parsed = fr::Json::parse(posted.output);
  REQUIRE(parsed.items().size() == 1);
  CHECK(parsed.items().at(0).find("type")->text() == "results_posted");
  CHECK(parsed.items().at(0).find("new")->text() == "2026-09-04");
  CHECK(parsed.items().at(0).find("version")->text() == "5");

  const auto status = story.cli({"events", "--type", "status_changed,results_submitted", "--nct", "nct06613490"});
  INFO(status.output);
  REQUIRE(status.exit_code == 0);
  const auto lines = lines_of(status.output);
  REQUIRE(lines.size() == 4);
  CHECK_THAT(lines[0], Catch::Matches("STUDY +TYPE +WHAT CHANGED +WHEN"));
  CHECK_THAT(lines[1], Catch::StartsWith("NCT06613490  results_submitted"));
  CHECK_THAT(lines[2],
             Catch::StartsWith("NCT06613490  status_changed") && Catch::Contains("ACTIVE_NOT_RECRUITING → COMPLETED"));
  CHECK_THAT(lines[3], Catch::Contains("RECRUITING → ACTIVE_NOT_RECRUITING") && Catch::Contains("ago"));

  CHECK(lines_of(story.cli({"events", "--limit", "3", "--jsonl"}).output).size() == 3);
  CHECK(lines_of(story.cli({"events", "--nct", "NCT04280705", "--jsonl"}).output).size() == 1);
  CHECK(lines_of(story.cli({"events", "--type", "related_found", "--jsonl"}).output).size() == 2);
  // Everything was detected before TRIALWATCH_NOW; a window that ends before it holds nothing.
  CHECK(story.cli({"events", "--since", "1h"}).output == "No events match.\n");
  CHECK(lines_of(story.cli({"events", "--since", "2020-01-01", "--jsonl"}).output).size() == 12);
}

TEST_CASE("history, show and diff tell one study's story", "[cli]") {
  const StoryDatabase story;
  const auto history = story.cli({"history", "NCT06613490"});
  INFO(history.output);
  REQUIRE(history.exit_code == 0);
  const auto history_lines = lines_of(history.output);
  REQUIRE(history_lines.size() > 4);
  CHECK(history_lines[0] == "NCT06613490: 5 versions, 9 events");
  CHECK(history_lines[1] == "https://clinicaltrials.gov/study/NCT06613490");  // the registry's page
  CHECK_THAT(history_lines[3], Catch::Matches("VERSION +DATE +CHANGES +RESULTS DUE +EVENT +WHAT CHANGED"));
  const auto version5 = std::find_if(history_lines.begin(), history_lines.end(),
                                     [](const std::string& line) { return line.rfind("5  ", 0) == 0; });
  REQUIRE(version5 != history_lines.end());
  CHECK_THAT(*version5, Catch::Matches("5 +2026-09-04 +5 +results_posted +Results were posted on "
                                       "2026-09-04: https://clinicaltrials.gov/study/NCT06613490\\?tab=results"));
  CHECK_THAT(story.cli({"history", "NCT04280705"}).output, Catch::StartsWith("NCT04280705: 1 version, 1 event\n"));

  const auto raw = story.cli({"show", "NCT06613490", "--version", "1", "--raw"});
  REQUIRE(raw.exit_code == 0);
  auto db = trialwatch::store::Database::open(story.f.db_path(), trialwatch::store::OpenMode::read_only);
  CHECK(raw.output ==
        *trialwatch::store::Versions(db).document(*trialwatch::core::NctId::parse("NCT06613490"), 1) + "\n");

  const auto summary = story.cli({"show", "NCT06613490"});
  CHECK_THAT(summary.output, Catch::Contains("version 5 of 5") && Catch::Contains("results posted      2026-09-04") &&
                                 Catch::Contains("status              COMPLETED") &&
                                 Catch::Contains("link                https://clinicaltrials.gov/study/NCT06613490\n"));

  const auto last = story.cli({"diff", "NCT06613490", "--json"});
  REQUIRE(last.exit_code == 0);
  const auto parsed = fr::Json::parse(last.output);
  CHECK(parsed.find("from")->text() == "4");
  CHECK(parsed.find("to")->text() == "5");
  bool results_section_added = false;
  for (std::size_t i = 0; i < parsed.find("changes")->items().size(); ++i) {
    const auto& change = parsed.find("changes")->items().at(i);
    results_section_added |= change.find("path")->text() == "resultsSection" && change.find("op")->text() == "add";
  }
  CHECK(results_section_added);

  const auto span = story.cli({"diff", "NCT06613490", "--from", "1", "--to", "3"});
  INFO(span.output);
  REQUIRE(span.exit_code == 0);
  CHECK_THAT(span.output, Catch::Contains("protocolSection.statusModule.overallStatus  RECRUITING → COMPLETED"));
  CHECK(story.cli({"diff", "NCT06613490", "--from", "3", "--to", "2"}).exit_code == 64);
}

TEST_CASE("export writes CSV with a header and JSON Lines, feed writes Atom a real XML parser reads", "[cli]") {
  const StoryDatabase story;
  const auto csv = story.cli({"export", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  const auto rows = lines_of(csv.output);
  REQUIRE(rows.size() == 13);  // the header and the story's 12 events
  CHECK(rows[0] == "id,nct_id,type,detected_at,data_timestamp,version,provenance,path,old,new,summary,source\r");
  const auto jsonl = story.cli({"export", "--format", "jsonl"});
  const auto objects = lines_of(jsonl.output);
  REQUIRE(objects.size() == 12);
  CHECK(fr::Json::parse(objects.front()).find("type")->text() != "");

  const auto feed_path = (story.f.dir.path() / "events.atom").string();
  REQUIRE(story.cli({"feed", "--output", feed_path}).exit_code == 0);
  const auto parsed = run_process({"/usr/bin/python3", "-c",
                                   "import sys, xml.etree.ElementTree as E\n"
                                   "ns = {'a': 'http://www.w3.org/2005/Atom'}\n"
                                   "root = E.parse(sys.argv[1]).getroot()\n"
                                   "entries = root.findall('a:entry', ns)\n"
                                   "assert root.find('a:id', ns).text and root.find('a:updated', ns).text\n"
                                   "links = [e.find('a:link', ns).get('href') for e in entries]\n"
                                   "print(len(entries)); print(sum('?tab=results' in l for l in links))\n",
                                   feed_path});
  INFO(parsed.output);
  REQUIRE(parsed.exit_code == 0);
  CHECK(parsed.output == "12\n1\n");
}

TEST_CASE("track and untrack validate, normalise and keep history", "[cli]") {
  const StoryDatabase story;
  CHECK(story.cli({"track", " nct07315503 ", "--note", "GC012F in RA"}).output ==
        "NCT07315503 tracked; trialwatchd fetches it at its next watch-list poll\n");
  CHECK(story.cli({"track", "NCT07315503"}).output == "NCT07315503 was already tracked\n");
  const auto bad = story.cli({"track", "NCT0731550X", "NCT06613490"});
  CHECK(bad.exit_code == 64);
  CHECK_THAT(bad.output, Catch::StartsWith("trialwatch: ") && Catch::Contains("NCT0731550X"));
  for (const std::string typo : {"NCT066134900", "NCT0661349"}) {  // never padded or cut into another real trial
    const auto refused = story.cli({"track", typo});
    CHECK(refused.exit_code == 64);
    CHECK_THAT(refused.output, Catch::StartsWith("trialwatch: '" + typo + "' is not an NCT number") &&
                                   Catch::Contains("exactly 8 digits"));
  }
  CHECK(story.cli({"untrack", "NCT06613490"}).output == "NCT06613490 untracked; its history is kept\n");
  const auto list = story.cli({"list"});
  CHECK_THAT(list.output, Catch::Contains("NCT07315503") && Catch::Contains("(not synced yet)"));
  CHECK_THAT(list.output, !Catch::Contains("NCT06613490"));
  CHECK(story.cli({"history", "NCT06613490", "--json"}).exit_code == 0);  // the history stays
}

TEST_CASE("bad input gets one sentence and the documented exit code", "[cli]") {
  const StoryDatabase story;
  const auto unknown_flag = story.cli({"events", "--bogus"});
  CHECK(unknown_flag.exit_code == 64);
  CHECK(story.cli({"events", "--since", "yesterday"}).exit_code == 64);
  CHECK(story.cli({"events", "--type", "results_leaked"}).exit_code == 64);
  CHECK(story.cli({"history", "NCT99999999"}).exit_code == 64);

  const auto missing = run_process({TRIALWATCH_CLI_PATH, "--db", story.f.dir.path() / "absent.db", "list"});
  CHECK(missing.exit_code == 66);
  CHECK_THAT(missing.output, Catch::Contains("absent.db does not exist") && Catch::Contains("--db"));

  const auto not_db = story.f.dir.path() / "notes.txt";
  std::ofstream(not_db) << "these are my notes, not a database\n";
  const auto foreign = run_process({TRIALWATCH_CLI_PATH, "--db", not_db.string(), "list"});
  CHECK(foreign.exit_code == 65);
  CHECK_THAT(foreign.output, Catch::Contains("is not a SQLite database"));

  {
    SQLite::Database raw(story.f.db_path(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  const auto newer = story.cli({"list"});
  CHECK(newer.exit_code == 65);
  CHECK_THAT(newer.output, Catch::Contains("newer trialwatch") && Catch::Contains("upgrade"));
}

TEST_CASE("read commands work while the daemon writes", "[cli]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490", "NCT04280705"});
  f.write_config({"NCT06613490", "NCT04280705"}, "", "check_interval = \"1s\"\n");
  REQUIRE(f.run_once().exit_code == 0);  // the database exists before the reader starts
  auto daemon = f.start();
  int reads = 0;
  for (int day = 0; day < 4; ++day) {
    REQUIRE(f.registry.registry.advance_day());
    for (int i = 0; i < 10; ++i, ++reads) {
      const auto listed = run_process({TRIALWATCH_CLI_PATH, "--db", f.db_path(), "events", "--jsonl"});
      INFO(listed.output);
      REQUIRE(listed.exit_code == 0);
      for (const auto& line : lines_of(listed.output)) CHECK(fr::Json::parse(line).find("id") != nullptr);
    }
  }
  daemon->send(SIGTERM);
  CHECK(daemon->wait_for_exit(5s) == 0);
  CHECK(reads == 40);
}

TEST_CASE("status reports the last sync and the counts, related lists suggestions, notify test names the channel",
          "[cli]") {
  const StoryDatabase story;
  const auto json = story.cli({"status", "--json"}, real_now());
  INFO(json.output);
  REQUIRE(json.exit_code == 0);
  const auto parsed = fr::Json::parse(json.output);
  CHECK(parsed.find("data_timestamp")->text() == "2026-09-07T09:00:05");  // day 5 of the scenario
  CHECK(parsed.find("tracked")->text() == "2");
  CHECK(parsed.find("versions")->text() == "6");
  CHECK(parsed.find("events")->text() == "12");
  CHECK(parsed.find("last_run")->find("outcome")->text() == "ok");
  CHECK(parsed.find("last_run")->find("error")->is_null());
  const auto human = story.cli({"status"}, real_now());
  CHECK(human.exit_code == 0);
  CHECK_THAT(human.output, Catch::Contains("registry data synced  2026-09-07T09:00:05") &&
                               Catch::Contains("tracked studies       2 (2 with a stored version)"));

  const auto related = story.cli({"related", "NCT06613490"});
  CHECK(related.exit_code == 0);
  CHECK_THAT(related.output, Catch::Contains("Related to NCT06613490:") && Catch::Contains("NCT07315503") &&
                                 Catch::Contains("shares condition Rheumatoid Arthritis") &&
                                 Catch::Contains("trialwatch track NCT"));
  CHECK_THAT(story.cli({"related", "NCT06613490", "--json"}).output,
             Catch::StartsWith(R"([{"subject":"NCT06613490","nct_id":"NCT07315503",)"));
  const auto none = story.cli({"related", "NCT00000001"});
  CHECK(none.exit_code == 0);
  CHECK_THAT(none.output, Catch::Contains("No related trials were found for this study yet"));
  CHECK(story.cli({"related", "NCT00000001", "--json"}).output == "[]\n");
  const auto notify = story.cli({"--config", story.f.config_path(), "notify", "test", "lab"});
  CHECK(notify.exit_code == 78);  // the configuration has no channel at all
  CHECK_THAT(notify.output, Catch::Contains("no [[notify]] channel in " + story.f.config_path()));
}

namespace {

// What varies between runs, masked: the times the daemon detected things (wall clock), relative times, the
// temporary database path and its size.
std::string masked(std::string text, const std::string& db_path) {
  text = std::regex_replace(text, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)"), "<TIME>");
  text = std::regex_replace(text, std::regex(R"((\d+ (minute|hour|day|week|month|year)s? ago|just now))"), "<AGO>");
  text = std::regex_replace(text, std::regex(R"(in \d+ (second|minute|hour)s?)"), "<IN>");
  text = std::regex_replace(text, std::regex(R"(\d+\.\d MB)"), "<SIZE> MB");
  text = std::regex_replace(text, std::regex(R"("database_bytes":\d+)"), "\"database_bytes\":<SIZE>");
  std::size_t at = 0;
  while ((at = text.find(db_path, at)) != std::string::npos) text.replace(at, db_path.size(), "<DB>");
  return text;
}

}  // namespace

TEST_CASE("every command's output, for people and for scripts, matches its golden file", "[cli][golden]") {
  // TRIALWATCH_TEST_ACCEPT=1 rewrites tests/data/golden/cli/; review the change in the commit diff.
  const StoryDatabase story;
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands{
      {"list", {"list"}},
      {"list.json", {"list", "--json"}},
      {"status", {"status"}},
      {"status.json", {"status", "--json"}},
      {"events", {"events"}},
      {"events.json", {"events", "--json"}},
      {"events-results.jsonl", {"events", "--type", "results_submitted,results_posted", "--jsonl"}},
      {"history", {"history", "NCT06613490"}},
      {"history.json", {"history", "NCT06613490", "--json"}},
      {"show", {"show", "NCT06613490", "--version", "3"}},
      {"diff", {"diff", "NCT06613490", "--to", "3"}},
      {"diff.json", {"diff", "NCT06613490", "--from", "1", "--to", "3", "--json"}},
      {"export.csv", {"export", "--format", "csv"}},
      {"export.jsonl", {"export", "--format", "jsonl"}},
      {"feed.atom", {"feed"}},
      {"related", {"related"}},
  };
  for (const auto& [name, args] : commands) {
    // status judges the daemon's health against the time of its last check, which was real time.
    const auto result = name.rfind("status", 0) == 0 ? story.cli(args, real_now()) : story.cli(args);
    INFO("trialwatch " << name << "\n" << result.output);
    REQUIRE(result.exit_code == 0);
    const auto actual = masked(result.output, story.f.db_path());
    const auto path = test_data_dir() / "golden" / "cli" / name;
    if (std::getenv("TRIALWATCH_TEST_ACCEPT") != nullptr) {
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << actual;
      WARN("rewrote " << path.string());
      continue;
    }
    INFO("golden file " << path.string() << " (TRIALWATCH_TEST_ACCEPT=1 rewrites it)");
    CHECK(actual == trialwatch::testing::read_file(path));
  }
}

TEST_CASE("colour only when asked for or on a terminal, and never with NO_COLOR", "[cli]") {
  const StoryDatabase story;
  const auto run = [&](std::vector<std::string> args, std::map<std::string, std::string> env) {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", story.f.db_path()});
    env.emplace("TRIALWATCH_NOW", k_now);
    return run_process(args, env).output;
  };
  CHECK(run({"diff", "NCT06613490"}, {{"NO_COLOR", ""}}).find('\x1b') == std::string::npos);  // not a terminal
  CHECK(run({"--color", "always", "diff", "NCT06613490"}, {}).find("\x1b[") != std::string::npos);
  CHECK(run({"--color", "never", "diff", "NCT06613490"}, {}).find('\x1b') == std::string::npos);
}

TEST_CASE("diff shows a long text as a line diff, not two walls of text", "[cli]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  REQUIRE(f.run_once().exit_code == 0);
  f.registry.registry.modify([](fr::RegistryData& data) {
    fr::Json* study = data.find_mutable("NCT06613490");
    fr::Json* eligibility = study->at_path("protocolSection.eligibilityModule");
    std::string criteria = eligibility->find("eligibilityCriteria")->text();
    const std::string old_age = "4. Age: ≥ 18 years old and ≤ 70 years old, male or female.";
    criteria.replace(criteria.find(old_age), old_age.size(),
                     "4. Age: ≥ 18 years old and ≤ 75 years old, male or female.");
    eligibility->set("eligibilityCriteria", fr::Json::string(criteria));
    fr::edits::bump_last_update(*study, "2026-09-01");
    data.data_timestamp = "2026-09-02T09:00:04";
  });
  REQUIRE(f.run_once().exit_code == 0);
  const auto diff = run_process({TRIALWATCH_CLI_PATH, "--db", f.db_path(), "diff", "NCT06613490"}, {{"NO_COLOR", "1"}});
  INFO(diff.output);
  REQUIRE(diff.exit_code == 0);
  CHECK_THAT(diff.output, Catch::Contains("~  protocolSection.eligibilityModule.eligibilityCriteria\n"
                                          "    - 4. Age: ≥ 18 years old and ≤ 70 years old, male or female.\n"
                                          "    + 4. Age: ≥ 18 years old and ≤ 75 years old, male or female.\n"));
  CHECK_THAT(diff.output, !Catch::Contains("Exclusion Criteria"));  // unchanged lines are left out
}

TEST_CASE("notify test sends a test notification through a configured channel", "[cli]") {
  const StoryDatabase story;
  const auto received = story.f.dir.path() / "test.log";
  const auto script = story.f.dir.path() / "receive.sh";
  std::ofstream(script) << "#!/bin/sh\necho \"$TRIALWATCH_EVENT|$TRIALWATCH_SUMMARY\" >> '" << received.string()
                        << "'\n";
  story.f.write_config({"NCT06613490"}, "[[notify]]\nname = \"lab\"\ntype = \"exec\"\ncommand = [\"/bin/sh\", \"" +
                                            script.string() + "\"]\n");
  const auto sent = story.cli({"--config", story.f.config_path(), "notify", "test", "lab"});
  INFO(sent.output);
  CHECK(sent.exit_code == 0);
  CHECK_THAT(sent.output, Catch::Contains("test notification sent through 'lab'"));
  CHECK(trialwatch::testing::read_file(received) ==
        "notify_test|This is a test from trialwatch: channel 'lab' works.\n");
  auto db = trialwatch::store::Database::open(story.f.db_path(), trialwatch::store::OpenMode::read_only);
  CHECK(trialwatch::store::Queries(db).status().notifications.delivered == 0);  // a test is not an event
}

namespace {

// The terminal columns `line` takes (UTF-8 code points).
std::size_t columns_of(const std::string& line) {
  return static_cast<std::size_t>(std::count_if(line.begin(), line.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

const std::string k_results_link = "https://clinicaltrials.gov/study/NCT06613490?tab=results";
const std::string k_long_title =  // 139 characters, longer than any terminal line here but the widest
    "An Exploratory Clinical Study of CD19 CAR NK Cells for the Treatment of Refractory Antisynthetase Antibody "
    "Syndrome and Rheumatoid Arthritis";

}  // namespace

TEST_CASE("tables fit 80 and 200 columns, piped and on a terminal, and --wide cuts nothing", "[cli][width]") {
  const StoryDatabase story;
  const std::vector<std::vector<std::string>> tables{{"events"}, {"list"}, {"related"}, {"history", "NCT06613490"}};
  for (const unsigned short width : {80, 200}) {
    for (const auto& args : tables) {
      const auto piped = story.cli(args, {{"COLUMNS", std::to_string(width)}});
      const auto terminal = story.cli_on_terminal(args, width);
      INFO("trialwatch " << args[0] << " at " << width << " columns\n" << piped.output);
      REQUIRE(piped.exit_code == 0);
      CHECK(terminal.exit_code == 0);
      CHECK(terminal.output == piped.output);  // a terminal's width and $COLUMNS fit alike
      for (const auto& line : lines_of(piped.output)) CHECK(columns_of(line) <= width);
      if (args[0] == "events" || args[0] == "history") CHECK_THAT(piped.output, Catch::Contains(k_results_link));
      CHECK_THAT(piped.output, Catch::Contains("NCT06613490"));
    }
    const auto list = lines_of(story.cli({"list"}, {{"COLUMNS", std::to_string(width)}}).output);
    REQUIRE(list.size() >= 3);
    CHECK_THAT(list[0], Catch::StartsWith("STUDY        STATUS     UPDATED     WHY     VERSIONS  LAST EVENT"));
    CHECK_THAT(list.back(), Catch::Contains("…"));  // the long title gave way
  }
  // At 80 columns the events' summaries have a line of their own, under their study, type and time.
  const auto narrow = lines_of(story.cli({"events"}, {{"COLUMNS", "80"}}).output);
  REQUIRE(narrow.size() > 2);
  CHECK_THAT(narrow[0], Catch::Matches("STUDY +TYPE +WHEN"));
  CHECK_THAT(narrow[1], Catch::Matches(" +WHAT CHANGED"));
  CHECK_THAT(narrow[2], Catch::Matches("NCT06613490  last_updated +[^ ].* ago"));

  // Piped with no $COLUMNS, and --wide anywhere, nothing is cut.
  const auto piped = story.cli({"list"});
  CHECK_THAT(piped.output, Catch::Contains(k_long_title) && !Catch::Contains("…"));
  CHECK(story.cli_on_terminal({"--wide", "list"}, 80).output == piped.output);
  CHECK(story.cli_on_terminal({"events", "--wide"}, 80).output == story.cli({"events"}).output);
  CHECK(story.cli({"related", "--wide"}, {{"COLUMNS", "80"}}).output == story.cli({"related"}).output);
}

TEST_CASE("every parser mistake is one sentence starting with trialwatch: and exits 64", "[cli]") {
  const StoryDatabase story;
  const std::vector<std::pair<std::vector<std::string>, std::string>> mistakes{
      {{"lsit"}, "trialwatch: unknown command 'lsit'; did you mean 'list'?"},
      {{"frobnicate"},
       "trialwatch: unknown command 'frobnicate'; the commands are track, untrack, list, status, events, history, "
       "show, diff, backfill, related, export, feed, notify, due, serve, migrate"},
      {{"backfill", "NCT04280705", "--full", "--status"},
       "trialwatch: give --full or --status, not both; see trialwatch backfill --help"},
      {{"show", "NCT04280705", "--version", "r-1"},
       "trialwatch: --version r-1: give a version seen live (1, 2, ...) or the registry's past version r0, r1, ...; "
       "see trialwatch show --help"},
      {{"notify", "tset", "lab"}, "trialwatch: unknown notify command 'tset'; did you mean 'test'?"},
      {{"events", "--bogus"}, "trialwatch: events does not take --bogus; see trialwatch events --help"},
      {{"--bogus"}, "trialwatch: trialwatch does not take --bogus; see trialwatch --help"},
      {{}, "trialwatch: trialwatch needs a command; see trialwatch --help"},
      {{"history"}, "trialwatch: history needs NCT; see trialwatch history --help"},
      {{"events", "--limit", "0"},
       "trialwatch: --limit 0: give a whole number of 1 or more; see trialwatch events --help"},
      {{"events", "--limit"}, "trialwatch: --limit needs a value; see trialwatch events --help"},
      {{"--color", "sometimes", "list"},
       "trialwatch: --color sometimes: give auto, always or never; see trialwatch list --help"},
      {{"events", "--json", "--jsonl"}, "trialwatch: give --json or --jsonl, not both; see trialwatch events --help"},
      {{"events", "--since", "yesterday"},
       "trialwatch: --since yesterday: give a duration such as 7d or 12h, a date such as 2026-09-01, or an RFC 3339 "
       "time"},
  };
  for (const auto& [args, sentence] : mistakes) {
    const auto result = story.cli(args);
    INFO(result.output);
    CHECK(result.exit_code == 64);
    CHECK(result.output == sentence + "\n");  // stdout is empty: this is stderr, one line
  }
  const auto type = story.cli({"events", "--type", "status"});
  CHECK(type.exit_code == 64);
  CHECK_THAT(type.output, Catch::StartsWith("trialwatch: --type status: not an event type; did you mean "
                                            "status_changed? Types: study_tracked, last_updated, status_changed,") &&
                              Catch::EndsWith("related_found, results_overdue\n"));
  CHECK(lines_of(type.output).size() == 1);
}

TEST_CASE("the events table prints the type names --type takes", "[cli]") {
  const StoryDatabase story;
  const auto table = lines_of(story.cli({"events"}).output);
  REQUIRE(table.size() == 13);  // the header and 12 events
  std::set<std::string> printed;
  for (std::size_t i = 1; i < table.size(); ++i) printed.insert(table[i].substr(13, table[i].find(' ', 13) - 13));
  CHECK(printed == std::set<std::string>{"study_tracked", "related_found", "last_updated", "status_changed",
                                         "dates_changed", "results_submitted", "results_posted"});
  for (const auto& type : printed) {
    const auto filtered = story.cli({"events", "--type", type});
    INFO(type << "\n" << filtered.output);
    CHECK(filtered.exit_code == 0);
    CHECK(lines_of(filtered.output).size() > 1);
  }
}

TEST_CASE("each command's --help ends with examples of itself", "[cli]") {
  const StoryDatabase story;
  for (const std::string command : {"track", "untrack", "list", "status", "events", "history", "show", "diff",
                                    "related", "export", "feed", "notify"}) {
    const auto help = story.cli({command, "--help"});
    INFO(help.output);
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.output, Catch::Contains("Examples:\n  trialwatch " + command));
    if (command != "export") CHECK_THAT(help.output, !Catch::Contains("trialwatch export --format csv"));
  }
  const auto overview = story.cli({"--help"});
  CHECK_THAT(overview.output, Catch::Contains("trialwatch track NCT06613490") &&
                                  Catch::Contains("trialwatch export --format csv > events.csv"));
}
