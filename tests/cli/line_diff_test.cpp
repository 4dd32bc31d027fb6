// SPDX-License-Identifier: MIT
#include "cli/line_diff.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace trialwatch::cli;

namespace {

using Lines = std::vector<std::string>;

// The two texts a diff's lines stand for, and how many lines it kept.
struct Sides {
  Lines before;  // kept and removed lines
  Lines after;   // kept and added lines
  std::size_t kept = 0;
};

// Read back what `diff` says each text was; fail on a line without one of the three marks.
Sides sides_of(const LineDiff& diff) {
  Sides sides;
  for (const auto& line : diff.lines) {
    REQUIRE(line.size() >= 2);
    const std::string mark = line.substr(0, 2);
    const std::string text = line.substr(2);
    if (mark == "  ") {
      sides.before.push_back(text);
      sides.after.push_back(text);
      ++sides.kept;
    } else if (mark == "- ") {
      sides.before.push_back(text);
    } else {
      REQUIRE(mark == "+ ");
      sides.after.push_back(text);
    }
  }
  return sides;
}

// Return whether every replaced run shows its removed lines before its added ones (no "- " right after a "+ ").
bool removals_first(const LineDiff& diff) {
  for (std::size_t i = 1; i < diff.lines.size(); ++i)
    if (diff.lines[i - 1][0] == '+' && diff.lines[i][0] == '-') return false;
  return true;
}

// Return the length of a longest common subsequence of `a` and `b`, by the textbook (n+1)×(m+1) table.
std::size_t lcs_length(const Lines& a, const Lines& b) {
  std::vector<std::vector<std::size_t>> table(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j)
      table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : std::max(table[i - 1][j], table[i][j - 1]);
  return table[a.size()][b.size()];
}

// Return `count` lines "<tag>0", "<tag>1", …, none equal to a line with another tag.
Lines numbered(const std::string& tag, std::size_t count) {
  Lines out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(tag + std::to_string(i));
  return out;
}

Lines joined(Lines a, const Lines& b, const Lines& c = {}) {
  a.insert(a.end(), b.begin(), b.end());
  a.insert(a.end(), c.begin(), c.end());
  return a;
}

// Check that `diff` of `before` and `after` is a shortest line diff in diff(1)'s order.
void check_shortest(const Lines& before, const Lines& after, const LineDiff& diff) {
  INFO("before: " << Catch::Detail::stringify(before));
  INFO("after: " << Catch::Detail::stringify(after));
  INFO("diff: " << Catch::Detail::stringify(diff.lines));
  const Sides sides = sides_of(diff);
  CHECK(diff.mode == LineDiffMode::line_by_line);
  CHECK(sides.before == before);
  CHECK(sides.after == after);
  CHECK(sides.kept == lcs_length(before, after));
  CHECK(removals_first(diff));
}

}  // namespace

TEST_CASE("a replaced line shows as removed then added, as diff(1) shows it", "[cli][line_diff]") {
  const auto diff = line_diff({"Inclusion:", "age 18-75", "RA"}, {"Inclusion:", "age 18-80", "RA", "ASS"});
  CHECK(diff.lines == Lines{"  Inclusion:", "- age 18-75", "+ age 18-80", "  RA", "+ ASS"});
  CHECK(diff.mode == LineDiffMode::line_by_line);
}

TEST_CASE("a text splits into its lines, empty ones included", "[cli][line_diff]") {
  CHECK(split_lines("") == Lines{""});
  CHECK(split_lines("a") == Lines{"a"});
  CHECK(split_lines("a\n\nb") == Lines{"a", "", "b"});
  CHECK(split_lines("a\n") == Lines{"a", ""});
}

TEST_CASE("empty, identical and wholly different texts diff as expected", "[cli][line_diff]") {
  SECTION("both empty") {
    const auto diff = line_diff({}, {});
    CHECK(diff.lines.empty());
    CHECK(diff.mode == LineDiffMode::line_by_line);
  }
  SECTION("before empty") { CHECK(line_diff({}, {"a", "b"}).lines == Lines{"+ a", "+ b"}); }
  SECTION("after empty") { CHECK(line_diff({"a", "b"}, {}).lines == Lines{"- a", "- b"}); }
  SECTION("identical") { CHECK(line_diff({"a", "", "a"}, {"a", "", "a"}).lines == Lines{"  a", "  ", "  a"}); }
  SECTION("completely different") {
    CHECK(line_diff({"a", "b", "c"}, {"x", "y"}).lines == Lines{"- a", "- b", "- c", "+ x", "+ y"});
  }
  SECTION("a block added in the middle") {
    CHECK(line_diff({"a", "c"}, {"a", "b1", "b2", "c"}).lines == Lines{"  a", "+ b1", "+ b2", "  c"});
  }
}

TEST_CASE("random small texts get a shortest diff that gives back both texts", "[cli][line_diff]") {
  std::mt19937 random(20261125);
  const Lines alphabet{"a", "b", "", "d"};
  const auto draw = [&](std::size_t distinct, std::size_t max_length) {
    Lines out(random() % (max_length + 1));
    for (auto& line : out) line = alphabet[random() % distinct];
    return out;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::size_t distinct = 3 + random() % 2;
    const Lines before = draw(distinct, 30);
    const Lines after = draw(distinct, 30);
    check_shortest(before, after, line_diff(before, after));
  }
  for (int round = 0; round < 40; ++round) {  // longer texts: deeper divide and conquer
    const Lines before = draw(4, 300);
    Lines after = before;
    for (int edit = 0; edit < 40 && !after.empty(); ++edit) {
      const std::size_t at = random() % after.size();
      if (random() % 2)
        after.erase(after.begin() + static_cast<std::ptrdiff_t>(at));
      else
        after.insert(after.begin() + static_cast<std::ptrdiff_t>(at), alphabet[random() % 4]);
    }
    check_shortest(before, after, line_diff(before, after));
  }
}

TEST_CASE("texts that differ in more lines than the limit are shown as a whole", "[cli][line_diff]") {
  CHECK(k_line_diff_whole_note == "texts too long to diff line by line; showing the change as a whole");
  constexpr std::size_t limit = k_line_diff_max_changes;
  // `removed` distinct lines replaced by `added` others between a common first and last line: D = removed + added.
  const auto [removed, added, mode] = GENERATE(table<std::size_t, std::size_t, LineDiffMode>({
      {limit / 2, limit / 2, LineDiffMode::line_by_line},
      {limit / 2, limit / 2 - 1, LineDiffMode::line_by_line},
      {limit / 2, limit / 2 + 1, LineDiffMode::whole},
      {limit / 2 + 1, limit / 2 + 1, LineDiffMode::whole},
      {3 * limit, 2 * limit, LineDiffMode::whole},
  }));
  INFO(removed << " removed, " << added << " added");
  const Lines before = joined({"Inclusion Criteria:"}, numbered("old ", removed), {"Exclusion Criteria:"});
  const Lines after = joined({"Inclusion Criteria:"}, numbered("new ", added), {"Exclusion Criteria:"});
  const auto diff = line_diff(before, after);
  CHECK(diff.mode == mode);
  const Sides sides = sides_of(diff);
  CHECK(sides.before == before);
  CHECK(sides.after == after);
  // The same lines either way: the common first and last line kept, every old line removed, every new one added.
  REQUIRE(diff.lines.size() == removed + added + 2);
  CHECK(diff.lines.front() == "  Inclusion Criteria:");
  CHECK(diff.lines[removed] == "- old " + std::to_string(removed - 1));
  CHECK(diff.lines[removed + 1] == "+ new 0");
  CHECK(diff.lines.back() == "  Exclusion Criteria:");
  CHECK(removals_first(diff));
}

TEST_CASE("a change over the limit keeps what the texts share at their ends and gives back both", "[cli][line_diff]") {
  // Two draws of many repeated lines: far apart, though most lines are equal to some line of the other text.
  std::mt19937 random(7);
  Lines before{"Summary", "same"};
  Lines after{"Summary", "same"};
  for (std::size_t i = 0; i < 3 * k_line_diff_max_changes; ++i) {
    before.push_back(random() % 2 ? "" : "-");
    after.push_back(random() % 2 ? "" : "*");
  }
  before.push_back("end");
  after.push_back("end");
  const auto diff = line_diff(before, after);
  CHECK(diff.mode == LineDiffMode::whole);
  const Sides sides = sides_of(diff);
  CHECK(sides.before == before);
  CHECK(sides.after == after);
  CHECK(removals_first(diff));
  CHECK(diff.lines[0] == "  Summary");
  CHECK(diff.lines.back() == "  end");
}

TEST_CASE("a block added or removed whole is a line diff at any size", "[cli][line_diff]") {
  // Nothing to search: after the common first and last lines one side is empty.
  const Lines block = numbered("line ", 3 * k_line_diff_max_changes);
  const Lines before{"a", "z"};
  const Lines after = joined({"a"}, block, {"z"});
  const auto added = line_diff(before, after);
  CHECK(added.mode == LineDiffMode::line_by_line);
  CHECK(sides_of(added).after == after);
  const auto removed = line_diff(after, before);
  CHECK(removed.mode == LineDiffMode::line_by_line);
  CHECK(sides_of(removed).before == after);
}
