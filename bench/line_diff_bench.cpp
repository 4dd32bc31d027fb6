// SPDX-License-Identifier: MIT
// The client's line diff (`trialwatch diff` on a long text field, cli/line_diff.cpp) on the largest texts a record
// can hold, each case in a child process of its own so its peak RSS (getrusage ru_maxrss) is its own:
//   - a 16,000-line text (32,000 characters, the registry's longest description) against itself with 1 % of its
//     lines replaced;
//   - 40,000 lines against 40,000 entirely different lines (over the change limit: shown as a whole);
//   - a 1 MB single-line title against another;
//   - the costliest inputs found: 40,000 lines drawn at random from two distinct lines, against the same with
//     k_line_diff_max_changes / 2 lines replaced (a shortest diff right at the limit), and against another such
//     draw (over the limit, found only after the longest search the limit allows). Repeated lines give long runs
//     of matches on many diagonals, which is where Myers' algorithm spends its time.
// Usage: trialwatch-line-diff-bench. Prints a Markdown table; wall time is one run (median of 5 for cases under a
// second), peak RSS includes the inputs (shown alone in brackets).

#include "cli/line_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace trialwatch;
using Clock = std::chrono::steady_clock;

namespace {

struct Inputs {
  std::vector<std::string> before;
  std::vector<std::string> after;
};

// A line of a long description: short and distinct, as in a 32,000-character text of 16,000 lines.
std::string text_line(std::size_t n, char tag) { return fmt::format("{}{}", tag, n); }

// `lines` distinct lines, and the same with `changed` of them (spread at random) replaced by new ones.
Inputs replaced_lines(std::size_t lines, std::size_t changed) {
  Inputs in;
  for (std::size_t i = 0; i < lines; ++i) in.before.push_back(text_line(i, 'a'));
  in.after = in.before;
  std::vector<std::size_t> positions(lines);
  for (std::size_t i = 0; i < lines; ++i) positions[i] = i;
  std::mt19937 random(19);
  std::shuffle(positions.begin(), positions.end(), random);
  for (std::size_t i = 0; i < changed; ++i) in.after[positions[i]] = text_line(positions[i], 'b');
  return in;
}

Inputs different_lines(std::size_t lines) {
  Inputs in;
  for (std::size_t i = 0; i < lines; ++i) {
    in.before.push_back(text_line(i, 'a'));
    in.after.push_back(text_line(i, 'b'));
  }
  return in;
}

Inputs long_title(std::size_t bytes) {
  std::mt19937 random(23);
  std::string before(bytes, ' ');
  for (auto& c : before) c = static_cast<char>('a' + random() % 26);
  std::string after = before;
  after[bytes / 2] = after[bytes / 2] == 'z' ? 'y' : 'z';
  return {{before}, {after}};
}

std::vector<std::string> two_line_alphabet(std::size_t lines, std::mt19937& random) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines; ++i) out.push_back(random() % 2 ? "" : "-");  // blank lines and rules
  return out;
}

Inputs repeated_lines_at_limit(std::size_t lines) {
  std::mt19937 random(29);
  Inputs in;
  in.before = two_line_alphabet(lines, random);
  in.after = in.before;
  // Replace lines by a third one, far enough apart that each costs one removal and one addition.
  const std::size_t changed = cli::k_line_diff_max_changes / 2;
  for (std::size_t i = 0; i < changed; ++i) in.after[(i * 2 + 1) * lines / (changed * 2)].assign(1, '*');
  return in;
}

Inputs repeated_lines_different(std::size_t lines) {
  std::mt19937 random(31);
  Inputs in;
  in.before = two_line_alphabet(lines, random);
  in.after = two_line_alphabet(lines, random);
  return in;
}

long max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Run one case in a child process and print its row.
void run_case(const std::string& name, const std::function<Inputs()>& make) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    return;
  }
  if (child == 0) {
    const Inputs in = make();
    const long inputs_kb = max_rss_kb();
    std::vector<double> times;
    cli::LineDiff diff;
    for (int run = 0; run < 5; ++run) {
      const auto start = Clock::now();
      diff = cli::line_diff(in.before, in.after);
      times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      if (times.back() > 1000) break;
    }
    std::sort(times.begin(), times.end());
    std::size_t removed = 0;
    std::size_t added = 0;
    for (const auto& line : diff.lines) {
      removed += line[0] == '-';
      added += line[0] == '+';
    }
    std::printf("| %s | %zu → %zu | %s | %zu − / %zu + | %.1f ms | %.1f MB [%.1f] |\n", name.c_str(), in.before.size(),
                in.after.size(), diff.mode == cli::LineDiffMode::whole ? "whole" : "line by line", removed, added,
                times[times.size() / 2], static_cast<double>(max_rss_kb()) / 1024,
                static_cast<double>(inputs_kb) / 1024);
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::printf("| %s | failed | | | | |\n", name.c_str());
}

}  // namespace

int main() {
  std::printf("change limit: %zu removed and added lines\n\n", cli::k_line_diff_max_changes);
  std::printf("| case | lines | mode | shown | wall time | peak RSS [inputs alone] |\n|---|---|---|---|---|---|\n");
  run_case("16,000 lines, 1 % replaced", [] { return replaced_lines(16000, 160); });
  run_case("40,000 lines vs 40,000 different ones", [] { return different_lines(40000); });
  run_case("a 1 MB single-line title vs another", [] { return long_title(1 << 20); });
  run_case("40,000 lines of two kinds, at the limit", [] { return repeated_lines_at_limit(40000); });
  run_case("40,000 lines of two kinds vs another draw", [] { return repeated_lines_different(40000); });
  return 0;
}
