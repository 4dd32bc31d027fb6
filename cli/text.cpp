// SPDX-License-Identifier: MIT
#include "cli/text.hpp"

#include "cli/text_table.hpp"
#include "core/clock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace trialwatch::cli {

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

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes only
  return width;
}

namespace {

constexpr std::size_t k_longest_link = 120;  // a longer "link" is registry text, cut like the rest

// `text` as it is when it fits `width` columns, else its first width - 1 characters and "…".
std::string cut(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && ++columns == width) break;
    out.push_back(text[i]);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();  // "the…", not "the …"
  return out + "…";
}

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

std::string_view find_link(std::string_view text) {
  const std::size_t at = text.find("https://");
  if (at == std::string_view::npos) return {};
  const std::string_view link = text.substr(at, std::min(text.find(' ', at), text.size()) - at);
  return display_width(link) <= k_longest_link ? link : std::string_view();
}

std::string truncate_to(std::string_view text, std::size_t width) {
  const std::string_view link = find_link(text);
  if (link.empty() || display_width(text) <= width) return cut(text, width);
  const std::size_t at = static_cast<std::size_t>(link.data() - text.data());
  const bool more = at + link.size() < text.size();  // what follows the link is left out, marked by "…"
  const std::size_t keep = link.size() + 1 + (more ? 1 : 0);
  std::string out = cut(text.substr(0, at), width > keep + 1 ? width - keep : 1);
  if (!out.empty() && out.back() != ' ') out += ' ';
  out.append(link);
  return more ? out + "…" : out;
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

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::size_t max_width, std::optional<std::size_t> flexible) {
  TextTable out;
  std::size_t columns = 0;
  const auto add = [&](const std::vector<std::string>& row) {
    out.start_row();
    for (const auto& cell : row) out.add_cell(cell);
    columns = std::max(columns, row.size());
  };
  if (!header.empty()) add(header);
  for (const auto& row : rows) add(row);
  return out.str(max_width, flexible.value_or(columns == 0 ? 0 : columns - 1));
}

void append_plain_value(std::string& out, std::string_view json) {
  if (json.size() < 2 || json.front() != '"' || json.back() != '"') {
    out += json.empty() ? std::string_view("(none)") : json;
    return;
  }
  const std::string_view inside = json.substr(1, json.size() - 2);
  for (std::size_t i = 0; i < inside.size();) {
    const std::size_t escape = std::min(inside.find('\\', i), inside.size());
    out.append(inside, i, escape - i);  // the text up to the next escape, as it is
    if (escape + 1 >= inside.size()) {  // no escape, or a lone backslash at the end, kept
      out.append(inside, escape, inside.size() - escape);
      break;
    }
    const char next = inside[escape + 1];
    out.push_back(next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next);
    i = escape + 2;
  }
}

std::string plain_value(std::string_view json) {
  std::string out;
  append_plain_value(out, json);
  return out;
}

void write_out(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace trialwatch::cli
