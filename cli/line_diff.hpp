// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::cli {

// The most lines (removed plus added) line_diff() pairs up one by one: its time grows with the lines times the
// changes, so text written by strangers is bounded here; a change this big reads no better line by line anyway.
inline constexpr std::size_t k_line_diff_max_changes = 2000;

// The sentence to show before a diff that compared its texts as a whole.
inline constexpr std::string_view k_line_diff_whole_note =
    "texts too long to diff line by line; showing the change as a whole";

// How line_diff() compared two texts.
enum class LineDiffMode {
  line_by_line,  // a shortest diff: the unchanged lines are a longest common subsequence
  whole,         // over k_line_diff_max_changes: beyond the common first and last lines, all removed then all added
};

// A line diff of two texts: every line of both, each with its mark, in the order diff(1) shows them.
struct LineDiff {
  // Unchanged lines start with "  ", removed ones with "- ", added ones with "+ "; in a replaced run the removed
  // lines come first.
  std::vector<std::string> lines;
  // Whether `lines` is a shortest diff or the change as a whole (then show k_line_diff_whole_note first).
  LineDiffMode mode = LineDiffMode::line_by_line;
};

// Return the lines of `text` (split at '\n'; an empty text is one empty line).
std::vector<std::string> split_lines(std::string_view text);

// Return a shortest line diff of `before` and `after` (Myers' O(ND) algorithm in linear space), or the change as a
// whole when it needs more than k_line_diff_max_changes removed and added lines. Memory is linear in the lines.
LineDiff line_diff(const std::vector<std::string>& before, const std::vector<std::string>& after);

}  // namespace trialwatch::cli
