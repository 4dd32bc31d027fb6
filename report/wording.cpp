// SPDX-License-Identifier: MIT
#include "report/wording.hpp"

#include "core/clock.hpp"
#include "diff/json_values.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::report {

namespace {

// The optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

void append_relative_time(std::string& out, std::chrono::system_clock::time_point then,
                          std::chrono::system_clock::time_point now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  const bool future = seconds < 0;
  const long long s = future ? -seconds : seconds;
  struct Unit {
    long long size;
    const char* name;
  };
  constexpr Unit units[] = {{365 * 86400, "year"}, {30 * 86400, "month"}, {7 * 86400, "week"},
                            {86400, "day"},        {3600, "hour"},        {60, "minute"}};
  for (const auto& unit : units) {
    if (s < unit.size) continue;
    const long long n = s / unit.size;
    fmt::format_to(std::back_inserter(out), "{}{} {}{}{}", future ? "in " : "", n, unit.name, n == 1 ? "" : "s",
                   future ? "" : " ago");
    return;
  }
  out += "just now";
}

std::string relative_time(std::chrono::system_clock::time_point then, std::chrono::system_clock::time_point now) {
  std::string out;
  append_relative_time(out, then, now);
  return out;
}

void append_ago(std::string& out, const std::string& rfc3339, std::chrono::system_clock::time_point now) {
  if (const auto at = core::parse_utc_time(rfc3339))
    append_relative_time(out, *at, now);
  else
    out += rfc3339;
}

std::string ago(const std::string& rfc3339, std::chrono::system_clock::time_point now) {
  std::string out;
  append_ago(out, rfc3339, now);
  return out;
}

std::string dated(const std::string& rfc3339, std::chrono::system_clock::time_point now) {
  const auto at = core::parse_utc_time(rfc3339);
  return at ? fmt::format("{} ({})", rfc3339, relative_time(*at, now)) : rfc3339;
}

std::string study_link(std::string_view nct_id) { return fmt::format("https://clinicaltrials.gov/study/{}", nct_id); }

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const auto& candidate : candidates)
    if (const std::size_t d = edit_distance(word, candidate); d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  if (best != nullptr || word.size() < 3) return best ? std::optional<std::string>(*best) : std::nullopt;
  for (const auto& candidate : candidates)  // "status" for status_changed
    if (candidate.starts_with(word) && (best == nullptr || candidate.size() < best->size())) best = &candidate;
  return best ? std::optional<std::string>(*best) : std::nullopt;
}

void append_plain_value(std::string& out, std::string_view json) {
  if (const auto text = diff::json_string_value(json))
    out += *text;
  else
    out += json.empty() ? std::string_view("(none)") : json;
}

std::string plain_value(std::string_view json) {
  std::string out;
  append_plain_value(out, json);
  return out;
}

}  // namespace trialwatch::report
