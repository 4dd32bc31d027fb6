// SPDX-License-Identifier: MIT
#include "cli/text.hpp"

#include "cli/text_table.hpp"

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
  CHECK(table({}, rows, 40, 1) == "NCT06613490  a long descrip…  2 days ago\n");
}

TEST_CASE("values and CSV fields", "[cli][text]") {
  CHECK(plain_value("\"RECRUITING\"") == "RECRUITING");
  CHECK(plain_value("\"a\\nb \\\"c\\\"\"") == "a\nb \"c\"");
  CHECK(plain_value("24") == "24");
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
  CHECK(built.str(36, 1) ==  // 36 columns: 20 for the other two and their gaps, 16 for the flexible one
        "NCT06613490  RECRUITING → AC…\n"
        "NCT1         short             extra\n");
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
