// SPDX-License-Identifier: MIT
#include "cli/line_diff.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>

namespace trialwatch::cli {

namespace {

using Index = std::ptrdiff_t;

constexpr Index k_unlimited = std::numeric_limits<Index>::max();

// A shortest edit script between two sequences of interned lines, by Myers' O(ND) algorithm in linear space
// ("An O(ND) Difference Algorithm and Its Variations", 1986, section 4b): search from both ends at once for the
// middle of an optimal path, then solve the two halves the same way. The search follows GNU diff's diffseq.h
// (diagonals kept inside the rectangle) without its heuristics, so the script is always a shortest one. The
// halves each need about half the edits, so the recursion is O(log D) deep.
class ShortestEdit {
 public:
  // Prepare to compare `a` with `b` (both must outlive this object).
  ShortestEdit(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b)
      : removed(a.size(), 0),
        added(b.size(), 0),
        m_a(a),
        m_b(b),
        m_offset(static_cast<Index>(b.size()) + 1),
        m_forward(a.size() + b.size() + 3),
        m_backward(a.size() + b.size() + 3) {}

  // Mark a shortest edit of `a` into `b` in `removed` and `added`, or return false when it takes more than
  // `max_changes` removed and added lines (then the marks are unspecified).
  bool run(std::size_t max_changes) {
    return compare(0, static_cast<Index>(m_a.size()), 0, static_cast<Index>(m_b.size()),
                   static_cast<Index>(max_changes));
  }

  std::vector<char> removed;  // removed[i]: line i of `a` is not kept
  std::vector<char> added;    // added[j]: line j of `b` is not kept

 private:
  struct Point {
    Index x;
    Index y;
  };

  // Mark a shortest edit of a[xoff, xlim) into b[yoff, ylim); false if it takes more than `max_changes`.
  bool compare(Index xoff, Index xlim, Index yoff, Index ylim, Index max_changes) {
    while (xoff < xlim && yoff < ylim && m_a[xoff] == m_b[yoff]) ++xoff, ++yoff;
    while (xoff < xlim && yoff < ylim && m_a[xlim - 1] == m_b[ylim - 1]) --xlim, --ylim;
    if (xoff == xlim) {
      for (Index y = yoff; y < ylim; ++y) added[y] = 1;
    } else if (yoff == ylim) {
      for (Index x = xoff; x < xlim; ++x) removed[x] = 1;
    } else {
      // Both sides are left with a different first and a different last line, so D >= 2 and the middle point
      // is at least one edit from either end: each half is strictly smaller.
      const auto middle = middle_point(xoff, xlim, yoff, ylim, max_changes);
      if (!middle) return false;
      compare(xoff, middle->x, yoff, middle->y, k_unlimited);  // the halves need fewer edits than the whole
      compare(middle->x, xlim, middle->y, ylim, k_unlimited);
    }
    return true;
  }

  // Return a point on a shortest path from (xoff, yoff) to (xlim, ylim) about halfway along its edits, or nothing
  // when the path takes more than `max_changes` edits. Diagonal k holds the points with x - y = k.
  std::optional<Point> middle_point(Index xoff, Index xlim, Index yoff, Index ylim, Index max_changes) {
    Index* const forward = m_forward.data() + m_offset;    // furthest x reached from the start on each diagonal
    Index* const backward = m_backward.data() + m_offset;  // smallest x reached from the end on each diagonal
    const Index dmin = xoff - ylim;
    const Index dmax = xlim - yoff;
    const Index fmid = xoff - yoff;
    const Index bmid = xlim - ylim;
    const bool odd = ((fmid - bmid) & 1) != 0;
    Index fmin = fmid;
    Index fmax = fmid;
    Index bmin = bmid;
    Index bmax = bmid;
    forward[fmid] = xoff;
    backward[bmid] = xlim;
    for (Index c = 1;; ++c) {
      // One more edit from the start on every diagonal it can reach, then follow the matching lines.
      if (fmin > dmin)
        forward[--fmin - 1] = -1;
      else
        ++fmin;
      if (fmax < dmax)
        forward[++fmax + 1] = -1;
      else
        --fmax;
      for (Index d = fmax; d >= fmin; d -= 2) {
        const Index below = forward[d - 1];
        const Index above = forward[d + 1];
        Index x = below < above ? above : below + 1;
        Index y = x - d;
        while (x < xlim && y < ylim && m_a[x] == m_b[y]) ++x, ++y;
        forward[d] = x;
        if (odd && bmin <= d && d <= bmax && backward[d] <= x) return Point{x, y};  // D = 2c - 1
      }
      if (2 * c > max_changes) return std::nullopt;  // D >= 2c
      // One more edit from the end, the same way backwards.
      if (bmin > dmin)
        backward[--bmin - 1] = k_unlimited;
      else
        ++bmin;
      if (bmax < dmax)
        backward[++bmax + 1] = k_unlimited;
      else
        --bmax;
      for (Index d = bmax; d >= bmin; d -= 2) {
        const Index below = backward[d - 1];
        const Index above = backward[d + 1];
        Index x = below < above ? below : above - 1;
        Index y = x - d;
        while (xoff < x && yoff < y && m_a[x - 1] == m_b[y - 1]) --x, --y;
        backward[d] = x;
        if (!odd && fmin <= d && d <= fmax && x <= forward[d]) return Point{x, y};  // D = 2c
      }
      if (2 * c + 1 > max_changes) return std::nullopt;  // D >= 2c + 1
    }
  }

  const std::vector<std::uint32_t>& m_a;
  const std::vector<std::uint32_t>& m_b;
  Index m_offset;                 // diagonals run from -b.size() - 1 to a.size() + 1
  std::vector<Index> m_forward;   // by diagonal + m_offset
  std::vector<Index> m_backward;  // by diagonal + m_offset
};

}  // namespace

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    lines.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

LineDiff line_diff(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  const std::size_t n = before.size();
  const std::size_t m = after.size();
  std::size_t prefix = 0;
  while (prefix < n && prefix < m && before[prefix] == after[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && before[n - 1 - suffix] == after[m - 1 - suffix]) ++suffix;

  // The algorithm compares lines many times: compare numbers, one per distinct line, instead.
  std::unordered_map<std::string_view, std::uint32_t> ids;
  ids.reserve(n + m - 2 * (prefix + suffix));
  const auto intern = [&](const std::vector<std::string>& lines, std::size_t end) {
    std::vector<std::uint32_t> out;
    out.reserve(end - prefix);
    for (std::size_t i = prefix; i < end; ++i)
      out.push_back(ids.try_emplace(lines[i], static_cast<std::uint32_t>(ids.size())).first->second);
    return out;
  };
  const auto a = intern(before, n - suffix);
  const auto b = intern(after, m - suffix);

  ShortestEdit edit(a, b);
  LineDiff diff;
  if (!edit.run(k_line_diff_max_changes)) {
    diff.mode = LineDiffMode::whole;
    edit.removed.assign(a.size(), 1);
    edit.added.assign(b.size(), 1);
  }

  diff.lines.reserve(n + m - prefix - suffix);  // enough when nothing in the middle is kept
  const auto line = [](std::string_view mark, const std::string& text) {
    std::string out;
    out.reserve(mark.size() + text.size());
    return out.append(mark).append(text);
  };
  for (std::size_t i = 0; i < prefix; ++i) diff.lines.push_back(line("  ", before[i]));
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && !edit.removed[i] && !edit.added[j]) {
      diff.lines.push_back(line("  ", before[prefix + i]));
      ++i, ++j;
      continue;
    }
    // A run of changes: its removed lines first, as diff(1) shows a replaced run. The kept lines on either side
    // pair up in order, so the run ends on both sides at the next kept pair.
    for (; i < a.size() && edit.removed[i]; ++i) diff.lines.push_back(line("- ", before[prefix + i]));
    for (; j < b.size() && edit.added[j]; ++j) diff.lines.push_back(line("+ ", after[prefix + j]));
  }
  for (std::size_t k = n - suffix; k < n; ++k) diff.lines.push_back(line("  ", before[k]));
  return diff;
}

}  // namespace trialwatch::cli
