// SPDX-License-Identifier: MIT
#include "cli/text.hpp"

#include "cli/text_table.hpp"
#include "core/strings.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch::cli;
using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;

TEST_CASE("relative times read as people say them", "[cli][text]") {
  const TimePoint now(1788340200s);
  CHECK(relative_time(now - 30s, now) == "just now");
  CHECK(relative_time(now - 5min, now) == "5 minutes ago");
  CHECK(relative_time(now - 1h, now) == "1 hour ago");
  CHECK(relative_time(now - 72h, now) == "3 days ago");
  CHECK(relative_time(now - 24h * 15, now) == "2 weeks ago");
  CHECK(relative_time(now - 24h * 400, now) == "1 year ago");
  CHECK(relative_time(now + 2h, now) == "in 2 hours");
}

TEST_CASE("tables align columns and cut only the last one to the terminal", "[cli][text]") {
  const std::vector<std::vector<std::string>> rows{{"NCT06613490", "status", "RECRUITING → ACTIVE_NOT_RECRUITING"},
                                                   {"NCT1", "results_posted", "short"}};
  CHECK(table({}, rows, 0) ==
        "NCT06613490  status          RECRUITING → ACTIVE_NOT_RECRUITING\n"
        "NCT1         results_posted  short\n");
  CHECK(table({"A", "B", "C"}, rows, 50) ==
        "A            B               C\n"
        "NCT06613490  status          RECRUITING → ACTIVE_…\n"  // 50 columns, the arrow counted as one
        "NCT1         results_posted  short\n");
}

TEST_CASE("a middle column can be the one that gives way", "[cli][text]") {
  const std::vector<std::vector<std::string>> rows{{"NCT06613490", "a long description of the change", "2 days ago"}};
  CHECK(table({}, rows, 46, 1) == "NCT06613490  a long description o…  2 days ago\n");
}

TEST_CASE("a column that would be cut under 20 columns gets a line of its own under each row", "[cli][text]") {
  const std::vector<std::vector<std::string>> rows{{"NCT06613490", "a long description of the change", "2 days ago"},
                                                   {"NCT1", "", "today"}};
  CHECK(table({"STUDY", "WHAT", "WHEN"}, rows, 40, 1) ==
        "STUDY        WHEN\n"
        "             WHAT\n"
        "NCT06613490  2 days ago\n"
        "             a long description of the…\n"  // cut to the 27 columns left of 40
        "NCT1         today\n");                     // an empty cell adds no line
  CHECK(table({}, rows, 30, 1) ==
        "NCT06613490  2 days ago\n"
        "             a long descripti…\n"
        "NCT1         today\n");
}

TEST_CASE("a link is never cut: the text before it is, and a column too narrow for it moves", "[cli][text]") {
  const std::string posted =
      "Results were posted on 2026-09-04: https://clinicaltrials.gov/study/NCT06613490?tab=results";
  CHECK(find_link(posted) == "https://clinicaltrials.gov/study/NCT06613490?tab=results");
  CHECK(find_link("no link here").empty());
  CHECK(find_link("https://" + std::string(200, 'a')).empty());  // not a link: registry text, cut like any
  CHECK(truncate_to(posted, 70) == "Results were… https://clinicaltrials.gov/study/NCT06613490?tab=results");
  CHECK(display_width(truncate_to(posted, 70)) == 70);
  CHECK(truncate_to(posted, 20) == "… https://clinicaltrials.gov/study/NCT06613490?tab=results");  // wider, whole
  CHECK(truncate_to("see https://example.org/a and more words", 30) == "see https://example.org/a…");
  CHECK(truncate_to("short", 3) == "sh…");
  // Beside 13 + 12 columns, 55 leave too little before the link: it moves to its own line, cut to 80 - 13.
  const std::vector<std::vector<std::string>> rows{{"NCT06613490", posted, "3 days ago"}};
  CHECK(table({}, rows, 80, 1) ==
        "NCT06613490  3 days ago\n"
        "             Results w… https://clinicaltrials.gov/study/NCT06613490?tab=results\n");
  CHECK(table({}, rows, 100, 1) ==
        "NCT06613490  Results were post… https://clinicaltrials.gov/study/NCT06613490?tab=results  3 days ago\n");
}

TEST_CASE("counts take the noun's form for their number", "[cli][text]") {
  CHECK(trialwatch::core::counted(0, "study", "studies") == "0 studies");
  CHECK(trialwatch::core::counted(1, "study", "studies") == "1 study");
  CHECK(trialwatch::core::counted(2, "field change", "field changes") == "2 field changes");
  CHECK(study_link("NCT06613490") == "https://clinicaltrials.gov/study/NCT06613490");
}

TEST_CASE("a typo gets the nearest name, a word far from all gets none", "[cli][text]") {
  const std::vector<std::string> commands{"track", "untrack", "list", "status", "events", "history", "show", "diff"};
  CHECK(nearest("lsit", commands) == "list");  // two letters swapped: one edit
  CHECK(nearest("histroy", commands) == "history");
  CHECK(nearest("evnts", commands) == "events");
  CHECK(nearest("trak", commands) == "track");
  CHECK_FALSE(nearest("frobnicate", commands));
  CHECK_FALSE(nearest("xy", commands));
  const std::vector<std::string> types{"results_submitted", "results_posted", "status_changed", "dates_changed"};
  CHECK(nearest("status", types) == "status_changed");   // what the table printed before
  CHECK(nearest("results", types) == "results_posted");  // the shortest that starts with it
  CHECK(nearest("results_postd", types) == "results_posted");
  CHECK_FALSE(nearest("sta", {"results_posted"}));
}

TEST_CASE("values and CSV fields", "[cli][text]") {
  CHECK(plain_value("\"RECRUITING\"") == "RECRUITING");
  CHECK(plain_value("\"a\\nb \\\"c\\\"\"") == "a\nb \"c\"");
  CHECK(plain_value("24") == "24");
  CHECK(plain_value(R"("caf\u00e9 \u001b")") == "caf\xc3\xa9 \x1b");  // decoded; a table cell escapes the ESC
  CHECK(plain_value(R"({"count":24})") == R"({"count":24})");
  CHECK(plain_value("") == "(none)");
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a, \"b\"\nc") == "\"a, \"\"b\"\"\nc\"");
}

TEST_CASE("a table built cell by cell in one buffer renders as table() does", "[cli][text]") {
  TextTable built;
  built.start_row();
  built.add_cell("NCT06613490");
  append_plain_value(built.cell_text(), "\"RECRUITING\"");
  built.cell_text() += " → ";
  append_plain_value(built.cell_text(), "\"ACTIVE_NOT_RECRUITING\"");
  built.end_cell();
  built.start_row();
  built.add_cell("NCT1");
  built.add_cell("short");
  built.add_cell("extra");  // a ragged row: its third column is the only one
  CHECK(built.str(0, 2) ==
        table({}, {{"NCT06613490", "RECRUITING → ACTIVE_NOT_RECRUITING"}, {"NCT1", "short", "extra"}}, 0));
  CHECK(built.str(40, 1) ==  // 40 columns: 20 for the other two and their gaps, 20 for the flexible one
        "NCT06613490  RECRUITING → ACTIVE…\n"
        "NCT1         short                 extra\n");
  std::string chunks;
  int calls = 0;
  built.render(0, 1, [&](std::string_view chunk) {
    chunks += chunk;
    ++calls;
  });
  CHECK(calls == 1);
  CHECK(chunks == built.str(0, 1));
  CHECK(TextTable().empty());
  CHECK(TextTable().str(80, 0).empty());
}

TEST_CASE("a long table is written in chunks, whole lines each", "[cli][text]") {
  TextTable long_table;
  for (int i = 0; i < 10000; ++i) {
    long_table.start_row();
    long_table.add_cell("NCT" + std::to_string(i));
    append_relative_time(long_table.cell_text(), std::chrono::system_clock::time_point(1788340200s - 72h),
                         std::chrono::system_clock::time_point(1788340200s));
    long_table.end_cell();
  }
  std::string whole;
  int calls = 0;
  long_table.render(0, 1, [&](std::string_view chunk) {
    CHECK(chunk.back() == '\n');
    whole += chunk;
    ++calls;
  });
  CHECK(calls > 1);
  CHECK(whole == long_table.str(0, 1));
  CHECK(whole.substr(0, 25) == "NCT0     3 days ago\nNCT1 ");
}

TEST_CASE("a cell added before any row starts the first row", "[cli][text]") {
  TextTable table;
  table.add_cell("a");
  table.add_cell("b");
  CHECK_FALSE(table.empty());
  CHECK(table.str(0, 1) == "a  b\n");
}
