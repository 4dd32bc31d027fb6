// SPDX-License-Identifier: MIT
// `trialwatch due` and the RESULTS column of `list`, end to end: the real trialwatchd stores the dates of the
// car-nk-results studies, and the CLI applies the results due rule for its own day (TRIALWATCH_NOW), with
// [results] due_after from the configuration. Expected dates and day counts are worked out by hand from the
// recorded documents (tests/data/ctgov) in the comments.

#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;

namespace {

// The daemon's day in these tests, and a month before it.
const std::string k_sept = "2027-09-01T12:00:00Z";
const std::string k_aug = "2027-08-01T12:00:00Z";

// The three scenario studies tracked, NCT06613490's registry at `day` (0: completion 2026-10-20 ESTIMATED; 2:
// 2026-08-28 ACTUAL; 3: results submitted; 4: posted), each study edited by `edit` first.
struct Due {
  explicit Due(int day, const std::function<void(fr::Scenario&)>& edit = {})
      : f(scenario(edit), trialwatch::testing::k_scenario_studies, trialwatch::testing::k_without_discovery) {
    f.registry.registry.go_to_day(day);
  }
  static fr::Scenario scenario(const std::function<void(fr::Scenario&)>& edit) {
    auto s = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
    if (edit) edit(s);
    return s;
  }
  // Run one daemon cycle with its clock starting at `now`.
  void run_at(const std::string& now) const {
    const auto run = f.run_once({}, {{"TRIALWATCH_NOW", now}});
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
  }
  // Run the CLI with `args` on the fixture's database as if it were `now`, uncut unless `columns` is given.
  ProcessResult cli(std::vector<std::string> args, const std::string& now, const std::string& columns = "") const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    return run_process(
        args, trialwatch::testing::isolated_env({{"TRIALWATCH_NOW", now}, {"NO_COLOR", "1"}, {"COLUMNS", columns}}));
  }
  // Return `list` on 2027-09-01 at 80 columns, checked to succeed and fit.
  std::string list_at_80() const;
  // Return the "results" member of `nct` in `list --json` on 2027-09-01.
  fr::Json list_results(const std::string& nct) const;
  DaemonFixture f;
};

// Remove every trace of results from `study`, as if none were ever submitted.
void without_results(fr::Json& study) {
  auto* status = study.at_path("protocolSection.statusModule");
  REQUIRE(status != nullptr);
  for (const auto* key : {"resultsFirstSubmitDate", "resultsFirstSubmitQcDate", "resultsFirstPostDateStruct"})
    status->erase(key);
  study.erase("resultsSection");
  study.set("hasResults", fr::Json::boolean(false));
}

// NCT04280705 with no results (primary completion 2020-05-21 ACTUAL: due 2021-05-21, long overdue), and NCT00763412
// with no results and no completion dates (nothing to count from).
void overdue_and_dateless(fr::Scenario& s) {
  s.days.at(0).edit("NCT04280705", without_results);
  s.days.at(0).edit("NCT00763412", [](fr::Json& study) {
    without_results(study);
    auto* status = study.at_path("protocolSection.statusModule");
    status->erase("primaryCompletionDateStruct");
    status->erase("completionDateStruct");
  });
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The rows of a table as cells, cut at the columns where the header's names start.
std::vector<std::vector<std::string>> cells_of(const std::string& output) {
  const auto lines = lines_of(output);
  REQUIRE(!lines.empty());
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < lines[0].size(); ++i)
    if (lines[0][i] != ' ' && (i == 0 || lines[0][i - 1] == ' ')) starts.push_back(i);
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : lines) {
    std::vector<std::string> row;
    for (std::size_t c = 0; c < starts.size(); ++c) {
      const auto end = c + 1 < starts.size() ? starts[c + 1] : std::string::npos;
      auto cell = starts[c] < line.size() ? line.substr(starts[c], end - starts[c]) : "";
      cell.erase(cell.find_last_not_of(' ') + 1);
      row.push_back(cell);
    }
    rows.push_back(row);
  }
  return rows;
}

// The number of terminal columns `line` takes (UTF-8 code points).
std::size_t columns_of(const std::string& line) {
  return static_cast<std::size_t>(
      std::count_if(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The RESULTS cell of `nct` in a `list` table cut to a width that moved it, with the title, to the line under the
// study's row.
std::string results_under(const std::string& output, const std::string& nct) {
  const auto lines = lines_of(output);
  const auto row = std::find_if(lines.begin(), lines.end(), [&](const auto& line) { return line.rfind(nct, 0) == 0; });
  REQUIRE(row != lines.end());
  REQUIRE(row + 1 != lines.end());
  const auto& under = *(row + 1);
  const auto start = under.find_first_not_of(' ');
  REQUIRE(start != std::string::npos);
  const auto end = under.find("  ", start);
  return under.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string Due::list_at_80() const {
  const auto list = cli({"list"}, k_sept, "80");
  INFO(list.output);
  REQUIRE(list.exit_code == 0);
  for (const auto& line : lines_of(list.output)) CHECK(columns_of(line) <= 80);
  return list.output;
}

// The object of `nct` in a JSON array of study objects.
const fr::Json& object_of(const fr::Json& array, const std::string& nct) {
  for (const auto& item : array.items())
    if (item.find("nct_id")->text() == nct) return item;
  FAIL("no object for " << nct);
  throw std::logic_error("unreachable");
}

fr::Json Due::list_results(const std::string& nct) const {
  const auto list = fr::Json::parse(cli({"list", "--json"}, k_sept).output);
  const auto* results = object_of(list, nct).find("results");
  REQUIRE(results != nullptr);
  return *results;
}

// The first `n` cells of each row.
std::vector<std::vector<std::string>> first_cells(const std::vector<std::vector<std::string>>& rows, std::size_t n) {
  std::vector<std::vector<std::string>> cut;
  for (const auto& row : rows) cut.emplace_back(row.begin(), row.begin() + static_cast<long>(n));
  return cut;
}

}  // namespace

TEST_CASE("due shows an estimated date as expected, then the deadline once the completion is actual",
          "[integration][due][cli]") {
  Due d(0);
  d.run_at(k_sept);
  // Day 0: NCT06613490 has no primary completion, completion 2026-10-20 ESTIMATED: expected 2027-10-20, 49 days
  // after 2027-09-01 (29 left in September + 20). NCT00763412: primary completion 2013-01 (ACTUAL) counts as
  // 2013-01-31, due 2014-01-31; NCT04280705: 2020-05-21 (ACTUAL), due 2021-05-21. Both posted long ago: their
  // due dates show for information, without a count of days, earliest first.
  const auto estimated = d.cli({"due"}, k_sept);
  INFO(estimated.output);
  REQUIRE(estimated.exit_code == 0);
  const auto rows = cells_of(estimated.output);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"STUDY", "RESULTS", "DUE", "DAYS", "RULE"});
  CHECK(first_cells(rows, 4) ==
        std::vector<std::vector<std::string>>{{"STUDY", "RESULTS", "DUE", "DAYS"},
                                              {"NCT06613490", "not_due", "~2027-10-20", "~49 left"},
                                              {"NCT00763412", "posted", "2014-01-31", ""},
                                              {"NCT04280705", "posted", "2021-05-21", ""}});
  CHECK_THAT(rows[1][4], Catch::Contains("12 months after completion (the record gives no primary completion date)") &&
                             Catch::Contains("completion 2026-10-20 (ESTIMATED)"));
  CHECK_THAT(rows[2][4], Catch::Contains("12 months after primary completion") &&
                             Catch::Contains("primary completion 2013-01 (ACTUAL)"));

  // Day 2: completion 2026-08-28 ACTUAL, due 2027-08-28, 4 days before 2027-09-01.
  d.f.registry.registry.go_to_day(2);
  d.run_at(k_sept);
  const auto actual = d.cli({"due"}, k_sept);
  INFO(actual.output);
  CHECK(cells_of(actual.output).at(1) ==
        std::vector<std::string>{"NCT06613490", "overdue", "2027-08-28", "4 overdue",
                                 "12 months after completion (the record gives no primary completion date); from "
                                 "completion 2026-08-28 (ACTUAL)"});

  const auto json = d.cli({"due", "--json"}, k_sept);
  INFO(json.output);
  REQUIRE(json.exit_code == 0);
  const auto parsed = fr::Json::parse(json.output);
  REQUIRE(parsed.items().size() == 3);
  const auto& story = parsed.items().at(0);
  CHECK(story.find("nct_id")->text() == "NCT06613490");
  CHECK(story.find("state")->text() == "overdue");
  CHECK(story.find("due_date")->is_string());
  CHECK(story.find("due_date")->text() == "2027-08-28");
  CHECK(story.find("estimated")->kind() == fr::Json::Kind::boolean);
  CHECK_FALSE(story.find("estimated")->as_bool());
  CHECK(story.find("days_left")->kind() == fr::Json::Kind::number);
  CHECK(story.find("days_left")->text() == "-4");
  CHECK(story.find("basis")->text() == "completion 2026-08-28 (ACTUAL)");
  CHECK_THAT(story.find("rule")->text(), Catch::StartsWith("12 months after completion"));
  CHECK(story.find("certification")->is_null());
  // Posted results keep their days for information: 2021-05-21 is 2294 days before 2027-09-01.
  const auto& posted = object_of(parsed, "NCT04280705");
  CHECK(posted.find("state")->text() == "posted");
  CHECK(posted.find("days_left")->text() == "-2294");

  // Day 3: submitted; day 4: posted. Neither is overdue, whatever the date.
  d.f.registry.registry.go_to_day(3);
  d.run_at(k_sept);
  CHECK(first_cells(cells_of(d.cli({"due"}, k_sept).output), 4).at(1) ==
        std::vector<std::string>{"NCT06613490", "submitted", "2027-08-28", ""});
  CHECK(d.cli({"due", "--overdue"}, k_sept).output == "No tracked study's results are overdue.\n");
  d.f.registry.registry.go_to_day(4);
  d.run_at(k_sept);
  const auto done = cells_of(d.cli({"due"}, k_sept).output);
  // All three posted: by due date, 2014-01-31, 2021-05-21, 2027-08-28.
  REQUIRE(done.size() == 4);
  CHECK(done[1][0] == "NCT00763412");
  CHECK(done[2][0] == "NCT04280705");
  CHECK(done[3][0] == "NCT06613490");
  CHECK(done[3][1] == "posted");
}

TEST_CASE("due puts the most overdue first and dateless studies last, and --overdue keeps only the overdue",
          "[integration][due][cli]") {
  // NCT04280705 without results: due 2021-05-21, 2294 days before 2027-09-01. NCT06613490 on day 2: due 2027-08-28,
  // 4 days before. NCT00763412 without dates: nothing to count from, last although first in NCT order.
  Due d(2, overdue_and_dateless);
  d.run_at(k_sept);
  const auto all = d.cli({"due"}, k_sept);
  INFO(all.output);
  REQUIRE(all.exit_code == 0);
  CHECK(first_cells(cells_of(all.output), 4) ==
        std::vector<std::vector<std::string>>{{"STUDY", "RESULTS", "DUE", "DAYS"},
                                              {"NCT04280705", "overdue", "2021-05-21", "2294 overdue"},
                                              {"NCT06613490", "overdue", "2027-08-28", "4 overdue"},
                                              {"NCT00763412", "not_due", "-", ""}});
  CHECK_THAT(all.output, Catch::Contains("no completion date in the record: nothing to count from"));

  const auto overdue = d.cli({"due", "--overdue"}, k_sept);
  INFO(overdue.output);
  CHECK(first_cells(cells_of(overdue.output), 2) == std::vector<std::vector<std::string>>{{"STUDY", "RESULTS"},
                                                                                          {"NCT04280705", "overdue"},
                                                                                          {"NCT06613490", "overdue"}});

  const auto json = fr::Json::parse(d.cli({"due", "--overdue", "--json"}, k_sept).output);
  REQUIRE(json.items().size() == 2);
  CHECK(json.items()[0].find("nct_id")->text() == "NCT04280705");
  CHECK(json.items()[1].find("nct_id")->text() == "NCT06613490");
  const auto dateless = object_of(fr::Json::parse(d.cli({"due", "--json"}, k_sept).output), "NCT00763412");
  CHECK(dateless.find("due_date")->is_null());
  CHECK(dateless.find("days_left")->is_null());
  CHECK(dateless.find("basis")->is_null());

  // list: the RESULTS column, uncut a column of its own before the title, in NCT order.
  const auto wide = d.cli({"list"}, k_sept);
  INFO(wide.output);
  REQUIRE(wide.exit_code == 0);
  const auto listed = cells_of(wide.output);
  REQUIRE(listed.size() == 4);
  const auto column =
      static_cast<std::size_t>(std::find(listed[0].begin(), listed[0].end(), "RESULTS") - listed[0].begin());
  REQUIRE(column + 2 == listed[0].size());
  CHECK(listed[0][column + 1] == "TITLE");
  CHECK(listed[1][column] == "-");
  CHECK(listed[2][column] == "overdue 2294d");
  CHECK(listed[3][column] == "overdue 4d");
  // At 80 columns it gives way with the title, never cut: both move to a line of their own under each row.
  const auto narrow = d.list_at_80();
  CHECK(results_under(narrow, "NCT00763412") == "-");
  CHECK(results_under(narrow, "NCT04280705") == "overdue 2294d");
  CHECK(results_under(narrow, "NCT06613490") == "overdue 4d");
  const auto story = d.list_results("NCT06613490");
  CHECK(story.find("state")->text() == "overdue");
  CHECK(story.find("due_date")->text() == "2027-08-28");
  CHECK(story.find("days_left")->text() == "-4");
  CHECK(story.find("estimated")->kind() == fr::Json::Kind::boolean);
  CHECK(d.list_results("NCT00763412").find("due_date")->is_null());
}

TEST_CASE("due and list judge for the CLI's own day, not the daemon's", "[integration][due][cli]") {
  Due d(2, overdue_and_dateless);
  d.run_at(k_aug);
  // On 2027-08-01 NCT06613490 (due 2027-08-28) has 27 days left: due soon, after the 2263 days overdue NCT04280705
  // (2021-05-21).
  const auto before = d.cli({"due"}, k_aug);
  INFO(before.output);
  CHECK(first_cells(cells_of(before.output), 4) ==
        std::vector<std::vector<std::string>>{{"STUDY", "RESULTS", "DUE", "DAYS"},
                                              {"NCT04280705", "overdue", "2021-05-21", "2263 overdue"},
                                              {"NCT06613490", "due_soon", "2027-08-28", "27 left"},
                                              {"NCT00763412", "not_due", "-", ""}});
  CHECK(cells_of(d.cli({"due", "--overdue"}, k_aug).output).size() == 2);
  // A month later, with no daemon cycle since, the CLI finds it overdue.
  const auto after = d.cli({"due", "--overdue"}, k_sept);
  INFO(after.output);
  CHECK(first_cells(cells_of(after.output), 4).at(2) ==
        std::vector<std::string>{"NCT06613490", "overdue", "2027-08-28", "4 overdue"});
  CHECK_THAT(d.cli({"list"}, k_sept).output, Catch::Contains("overdue 4d"));
  CHECK_THAT(d.cli({"list"}, k_aug).output, Catch::Contains("due 2027-08-28"));
}

TEST_CASE("list shows an expected due date whole at 80 columns", "[integration][due][cli]") {
  Due d(0);
  d.run_at(k_sept);
  const auto list = d.list_at_80();
  CHECK(results_under(list, "NCT06613490") == "due ~2027-10-20");
  CHECK(results_under(list, "NCT04280705") == "posted");
  const auto story = d.list_results("NCT06613490");
  CHECK(story.find("state")->text() == "not_due");
  CHECK(story.find("estimated")->as_bool());
  CHECK(story.find("days_left")->text() == "49");
}

TEST_CASE("due reads [results] due_after from the configuration", "[integration][due][cli]") {
  Due d(2);
  d.run_at(k_sept);
  auto with_config = [&](const std::string& config, std::vector<std::string> args) {
    std::ofstream(d.f.dir.path() / "cli.toml") << config;
    args.insert(args.begin(), {"--config", (d.f.dir.path() / "cli.toml").string()});
    return d.cli(args, k_sept);
  };
  // 24 months after 2026-08-28: 2028-08-28, 362 days after 2027-09-01 (366 to 2028-09-01, a leap year, less 4).
  const auto longer = with_config("[results]\ndue_after = \"24m\"\n", {"due"});
  INFO(longer.output);
  REQUIRE(longer.exit_code == 0);
  CHECK(first_cells(cells_of(longer.output), 4).at(1) ==
        std::vector<std::string>{"NCT06613490", "not_due", "2028-08-28", "362 left"});
  CHECK_THAT(longer.output, Catch::Contains("24 months after completion"));
  // "1y" is 12 months: overdue again.
  CHECK_THAT(with_config("[results]\ndue_after = \"1y\"\n", {"due", "--overdue"}).output,
             Catch::Contains("NCT06613490  overdue"));

  // An invalid value: due stops with exit 78; list says so and counts 12 months.
  const auto bad = with_config("[results]\ndue_after = \"11y\"\n", {"due"});
  CHECK(bad.exit_code == 78);
  CHECK_THAT(bad.output, Catch::Contains("due_after"));
  const auto list = with_config("[results]\ndue_after = \"11y\"\n", {"list"});
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.output, Catch::Contains("12 months") && Catch::Contains("overdue 4d"));
}

TEST_CASE("due says in one sentence when no dates are stored yet, and exits 0", "[integration][due][cli]") {
  Due d(0);
  const auto track = d.cli({"track", "NCT06613490"}, k_sept);
  REQUIRE(track.exit_code == 0);
  const auto none = d.cli({"due"}, k_sept);
  CHECK(none.exit_code == 0);
  CHECK(none.output == "trialwatchd has not read any tracked study's dates yet; it does at its next cycle.\n");
  const auto json = d.cli({"due", "--json"}, k_sept);
  CHECK(json.exit_code == 0);
  CHECK(json.output == "[]\n");
  CHECK(d.list_results("NCT06613490").is_null());

  const auto missing = run_process({TRIALWATCH_CLI_PATH, "--db", (d.f.dir.path() / "absent.db").string(), "due"},
                                   trialwatch::testing::isolated_env());
  CHECK(missing.exit_code == 66);
  CHECK(d.cli({"due", "--bogus"}, k_sept).exit_code == 64);
}
