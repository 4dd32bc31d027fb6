// SPDX-License-Identifier: MIT
// The results-due rule: states and their order, days left, partial and ESTIMATED dates, month-end clamping, the
// certification of delay and its cap, on constructed dates and on recorded documents. Expected dates and day counts
// are worked out by hand (the arithmetic is in the comments).
#include "diff/results_due.hpp"

#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

using trialwatch::diff::DatedField;
using trialwatch::diff::DueAfter;
using trialwatch::diff::DueFacts;
using trialwatch::diff::results_due;
using trialwatch::diff::results_state_name;
using trialwatch::diff::ResultsDue;
using trialwatch::diff::ResultsState;

namespace Catch {
template <>
struct StringMaker<ResultsDue> {
  static std::string convert(const ResultsDue& due) {
    return std::string(results_state_name(due.state)) + " due " + due.due_date + (due.estimated ? " (estimated)" : "") +
           " days_left " + (due.days_left ? std::to_string(*due.days_left) : "none") + " basis '" + due.basis +
           "' certification '" + due.certification + "' rule '" + due.rule + "'";
  }
};
}  // namespace Catch

namespace {

// The fixed day the tests count from.
constexpr std::chrono::sys_days k_today{std::chrono::year{2026} / std::chrono::May / 1};

DueFacts primary(std::string date, std::string type = "ACTUAL") {
  DueFacts facts;
  facts.overall_status = "COMPLETED";
  facts.primary_completion = DatedField{std::move(date), std::move(type)};
  return facts;
}

DueFacts recorded(const std::string& relative) {
  const auto facts = trialwatch::diff::read_study_facts(trialwatch::testing::read_test_file(relative));
  REQUIRE(facts.has_value());
  return trialwatch::diff::due_facts(*facts);
}

// One row of the table: facts, and what the rule must say of them on k_today.
struct Case {
  std::string name;
  DueFacts facts;
  ResultsState state;
  std::string due_date;
  std::optional<long> days_left;
  bool estimated = false;
  DueAfter due_after = {};
};

DueFacts with(DueFacts facts, void (*edit)(DueFacts&)) {
  edit(facts);
  return facts;
}

}  // namespace

TEST_CASE("results_state_name names every state", "[diff][due]") {
  CHECK(results_state_name(ResultsState::not_due) == "not_due");
  CHECK(results_state_name(ResultsState::due_soon) == "due_soon");
  CHECK(results_state_name(ResultsState::overdue) == "overdue");
  CHECK(results_state_name(ResultsState::submitted) == "submitted");
  CHECK(results_state_name(ResultsState::posted) == "posted");
}

TEST_CASE("results_due gives the state, due date and days left of constructed records", "[diff][due]") {
  const std::vector<Case> cases{
      // 2025-01-15 + 12 months = 2026-01-15; to 2026-05-01: 16 (Jan) + 28 + 31 + 30 + 1 = 106 days ago.
      {"actual date passed", primary("2025-01-15"), ResultsState::overdue, "2026-01-15", -106},
      {"due in 30 days", primary("2025-05-31"), ResultsState::due_soon, "2026-05-31", 30},
      {"due in 31 days", primary("2025-06-01"), ResultsState::not_due, "2026-06-01", 31},
      {"due today", primary("2025-05-01"), ResultsState::due_soon, "2026-05-01", 0},
      {"due yesterday", primary("2025-04-30"), ResultsState::overdue, "2026-04-30", -1},
      // 2025-03-10 to 2026-03-10: 365; + 31 to 2026-04-10; + 21 to 2026-05-01 = 417.
      {"estimated date passed", primary("2024-03-10", "ESTIMATED"), ResultsState::not_due, "2025-03-10", -417, true},
      {"estimated date soon", primary("2025-05-10", "ESTIMATED"), ResultsState::not_due, "2026-05-10", 9, true},
      // 2025-02 counts as 2025-02-28: due 2026-02-28, 1 + 31 + 30 = 62 days before 2026-05-01.
      {"month date", primary("2025-02"), ResultsState::overdue, "2026-02-28", -62},
      // 2025 counts as 2025-12-31: due 2026-12-31, 30 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 244 days away.
      {"year date", primary("2025"), ResultsState::not_due, "2026-12-31", 244},
      // Leap years: 2028-02 counts as 2028-02-29; + 12 months clamps to 2029-02-28. 2028-02-29 + 1 month: 2028-03-29.
      {"leap month date", primary("2028-02"), ResultsState::not_due, "2029-02-28", 1034},
      {"leap day plus 1 month", primary("2028-02-29"), ResultsState::not_due, "2028-03-29", 698, false, DueAfter{1}},
      {"January 31 plus 1 month", primary("2026-01-31"), ResultsState::overdue, "2026-02-28", -62, false, DueAfter{1}},
      {"lands on a leap day", primary("2027-01-31"), ResultsState::not_due, "2028-02-29", 669, false, DueAfter{13}},
      // 2025-01-15 + 18 months = 2026-07-15: 30 + 30 + 15 = 75 days away.
      {"18 months", primary("2025-01-15"), ResultsState::not_due, "2026-07-15", 75, false, DueAfter{18}},
      {"no type", primary("2025-01-15", ""), ResultsState::overdue, "2026-01-15", -106},
      {"no dates", primary(""), ResultsState::not_due, "", std::nullopt},
      {"unparseable date", primary("TBD"), ResultsState::not_due, "", std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto due = results_due(c.facts, k_today, c.due_after);
    CHECK(results_state_name(due.state) == results_state_name(c.state));
    CHECK(due.due_date == c.due_date);
    CHECK(due.days_left == c.days_left);
    CHECK(due.estimated == c.estimated);
    CHECK(due.certification.empty());
  }
}

TEST_CASE("results_due names the date it counts from and the rule it applies", "[diff][due]") {
  SECTION("primary completion") {
    const auto due = results_due(primary("2025-02", "ACTUAL"), k_today);
    CHECK(due.basis == "primary completion 2025-02 (ACTUAL)");
    CHECK(due.rule == "12 months after primary completion (42 CFR 11.44; WHO joint statement)");
  }
  SECTION("no type") { CHECK(results_due(primary("2025-02", ""), k_today).basis == "primary completion 2025-02"); }
  SECTION("the months configured") {
    CHECK(results_due(primary("2025-02"), k_today, DueAfter{18}).rule ==
          "18 months after primary completion (42 CFR 11.44; WHO joint statement)");
  }
  SECTION("completion when there is no primary completion, or it cannot be read") {
    for (const auto* primary_date : {"", "2025-13"}) {
      CAPTURE(primary_date);
      auto facts = primary(primary_date);
      facts.completion = DatedField{"2025-08-20", "ESTIMATED"};
      const auto due = results_due(facts, k_today);
      CHECK(due.basis == "completion 2025-08-20 (ESTIMATED)");
      CHECK(due.rule == "12 months after completion (the record gives no primary completion date)");
      CHECK(due.due_date == "2026-08-20");
      CHECK(due.days_left == 111);  // 30 + 30 + 31 + 20
      CHECK(due.estimated);
      CHECK(due.state == ResultsState::not_due);
    }
  }
  SECTION("primary completion wins over completion") {
    auto facts = primary("2025-01-15");
    facts.completion = DatedField{"2025-08-20", "ACTUAL"};
    CHECK(results_due(facts, k_today).due_date == "2026-01-15");
  }
  SECTION("nothing to count from") {
    const auto due = results_due(DueFacts{}, k_today);
    CHECK(due.basis.empty());
    CHECK(due.rule == "no completion date in the record: nothing to count from");
  }
}

TEST_CASE("results_due: posted, submitted and withdrawn come before the dates", "[diff][due]") {
  const auto overdue = primary("2025-01-15");
  SECTION("withdrawn owes nothing") {
    const auto due = results_due(with(overdue, [](DueFacts& f) { f.overall_status = "WITHDRAWN"; }), k_today);
    CHECK(due.state == ResultsState::not_due);
    CHECK(due.due_date.empty());
    CHECK_FALSE(due.days_left.has_value());
    CHECK(due.rule == "withdrawn before enrolling anyone: no results are owed");
  }
  SECTION("submitted, with the due date it answers") {
    const auto due =
        results_due(with(overdue, [](DueFacts& f) { f.results_first_submit_date = "2026-02-01"; }), k_today);
    CHECK(due.state == ResultsState::submitted);
    CHECK(due.due_date == "2026-01-15");
    CHECK(due.days_left == -106);
    CHECK(due.basis == "primary completion 2025-01-15 (ACTUAL)");
  }
  SECTION("posted wins over everything") {
    const auto due = results_due(with(overdue,
                                      [](DueFacts& f) {
                                        f.overall_status = "WITHDRAWN";
                                        f.results_first_submit_date = "2026-02-01";
                                        f.results_first_post_date = "2026-03-01";
                                      }),
                                 k_today);
    CHECK(due.state == ResultsState::posted);
    CHECK(due.due_date == "2026-01-15");
    CHECK(due.days_left == -106);
  }
  SECTION("posted with no dates") {
    const auto due = results_due(with(DueFacts{}, [](DueFacts& f) { f.results_first_post_date = "2020"; }), k_today);
    CHECK(due.state == ResultsState::posted);
    CHECK(due.due_date.empty());
    CHECK_FALSE(due.days_left.has_value());
  }
}

TEST_CASE("results_due: a certification of delay moves the due date, at most two years", "[diff][due]") {
  // Without it: 2025-01-15 + 12 months = 2026-01-15; the cap is 2028-01-15.
  auto facts = primary("2025-01-15");
  SECTION("two years after the certification") {
    facts.certification_date = "2025-06-01";
    const auto due = results_due(facts, k_today);
    CHECK(due.due_date == "2027-06-01");
    CHECK(due.days_left == 396);  // 365 to 2027-05-01, + 31
    CHECK(due.state == ResultsState::not_due);
    CHECK(due.certification == "2025-06-01");
    CHECK(due.rule ==
          "12 months after primary completion, moved by a certification of delay submitted 2025-06-01 "
          "to two years after it (42 CFR 11.44(b))");
  }
  SECTION("a partial certification date counts as the last day of its month") {
    facts.certification_date = "2025-06";
    CHECK(results_due(facts, k_today).due_date == "2027-06-30");
  }
  SECTION("never more than two years past the date without it") {
    facts.certification_date = "2027-03-01";  // + 24 months = 2029-03-01, past the cap
    const auto due = results_due(facts, k_today);
    CHECK(due.due_date == "2028-01-15");
    CHECK(due.certification == "2027-03-01");
  }
  SECTION("never earlier than the date without it") {
    facts.certification_date = "2023-01-01";  // + 24 months = 2025-01-01, before 2026-01-15
    const auto due = results_due(facts, k_today);
    CHECK(due.due_date == "2026-01-15");
    CHECK(due.state == ResultsState::overdue);
  }
  SECTION("an unreadable certification date changes nothing") {
    facts.certification_date = "soon";
    const auto due = results_due(facts, k_today);
    CHECK(due.due_date == "2026-01-15");
    CHECK(due.certification.empty());
  }
  SECTION("no date to count from: nothing to move") {
    const auto due = results_due(with(DueFacts{}, [](DueFacts& f) { f.certification_date = "2025-06-01"; }), k_today);
    CHECK(due.due_date.empty());
    CHECK(due.certification.empty());
  }
}

TEST_CASE("results_due on recorded documents", "[diff][due]") {
  const std::vector<std::pair<std::string, ResultsDue>> cases{
      // Primary completion 2015-09-15 ACTUAL + 12 months = 2016-09-15. Certification 2017-02-07 + 24 months =
      // 2019-02-07, capped at 2016-09-15 + 24 months = 2018-09-15. To 2026-05-01: 2018-09-15 to 2025-09-15 is
      // 7 * 365 + 2 leap days = 2557; then 15 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 1 = 228; 2785 days ago.
      {"ctgov/studies/NCT02210780.json",
       {ResultsState::posted, "2018-09-15", false, -2785, "primary completion 2015-09-15 (ACTUAL)", "2017-02-07",
        "12 months after primary completion, moved by a certification of delay submitted 2017-02-07 to the limit of "
        "two years later (42 CFR 11.44(b))"}},
      // Primary completion 2018-05 ACTUAL = 2018-05-31, + 12 months = 2019-05-31. Certification 2019-03-01 + 24
      // months = 2021-03-01, under the cap 2021-05-31. To 2026-05-01: 5 * 365 + 1 leap day = 1826, + 31 + 30 = 1887.
      {"ctgov/studies/NCT02552212.v2024-01-03.json",
       {ResultsState::posted, "2021-03-01", false, -1887, "primary completion 2018-05 (ACTUAL)", "2019-03-01",
        "12 months after primary completion, moved by a certification of delay submitted 2019-03-01 to two years "
        "after it (42 CFR 11.44(b))"}},
      // Recruiting, no primary completion: completion 2026-10-20 ESTIMATED + 12 months = 2027-10-20. From
      // 2026-05-01: 365 to 2027-05-01, + 31 + 30 + 31 + 31 + 30 = 518 to 2027-10-01, + 19 = 537.
      {"ctgov/constructed/NCT06613490.json",
       {ResultsState::not_due, "2027-10-20", true, 537, "completion 2026-10-20 (ESTIMATED)", "",
        "12 months after completion (the record gives no primary completion date)"}},
  };
  for (const auto& [file, expected] : cases) {
    CAPTURE(file);
    CHECK(results_due(recorded(file), k_today) == expected);
  }
  SECTION("NCT02210780 would be overdue without its results") {
    auto unreported = recorded("ctgov/studies/NCT02210780.json");
    unreported.results_first_submit_date.clear();
    unreported.results_first_post_date.clear();
    CHECK(results_due(unreported, k_today).state == ResultsState::overdue);
  }
}
