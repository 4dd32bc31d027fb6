// SPDX-License-Identifier: MIT
#include "cli/text.hpp"

#include "core/clock.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::cli {

std::string relative_time(std::chrono::system_clock::time_point then, std::chrono::system_clock::time_point now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  const bool future = seconds < 0;
  const long long s = future ? -seconds : seconds;
  if (s < 60) return "just now";
  struct Unit {
    long long size;
    const char* name;
  };
  constexpr Unit units[] = {{365 * 86400, "year"}, {30 * 86400, "month"}, {7 * 86400, "week"},
                            {86400, "day"},        {3600, "hour"},        {60, "minute"}};
  for (const auto& unit : units) {
    if (s < unit.size) continue;
    const long long n = s / unit.size;
    const std::string amount = fmt::format("{} {}{}", n, unit.name, n == 1 ? "" : "s");
    return future ? "in " + amount : amount + " ago";
  }
  return "just now";
}

std::string ago(const std::string& rfc3339, std::chrono::system_clock::time_point now) {
  const auto at = core::parse_utc_time(rfc3339);
  return at ? relative_time(*at, now) : rfc3339;
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

std::string truncate_to(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && ++columns == width) break;
    out.push_back(text[i]);
  }
  return out + "…";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::size_t max_width, std::optional<std::size_t> flexible) {
  std::vector<const std::vector<std::string>*> all;
  if (!header.empty()) all.push_back(&header);
  for (const auto& row : rows) all.push_back(&row);
  std::vector<std::size_t> widths;
  for (const auto* row : all)
    for (std::size_t c = 0; c < row->size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], display_width((*row)[c]));
    }
  const std::size_t cut = flexible.value_or(widths.empty() ? 0 : widths.size() - 1);
  if (max_width > 0 && cut < widths.size()) {  // shrink the flexible column so the widest row fits
    std::size_t others = 0;
    for (std::size_t c = 0; c < widths.size(); ++c)
      if (c != cut) others += widths[c] + 2;
    widths[cut] = std::min(widths[cut], max_width > others + 10 ? max_width - others : widths[cut]);
  }
  std::string out;
  for (const auto* row : all) {
    std::string line;
    for (std::size_t c = 0; c < row->size(); ++c) {
      const std::string cell = c == cut ? truncate_to((*row)[c], widths[c]) : (*row)[c];
      line += cell;
      if (c + 1 < row->size()) line.append(widths[c] - display_width(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string plain_value(std::string_view json) {
  if (json.size() >= 2 && json.front() == '"' && json.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < json.size(); ++i) {
      if (json[i] == '\\' && i + 2 < json.size()) {
        const char next = json[++i];
        out.push_back(next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next);
      } else {
        out.push_back(json[i]);
      }
    }
    return out;
  }
  return json.empty() ? std::string("(none)") : std::string(json);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

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

std::vector<std::string> line_diff(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  const std::size_t n = before.size();
  const std::size_t m = after.size();
  std::vector<std::vector<unsigned>> common(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      common[i][j] = before[i] == after[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
  std::vector<std::string> out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] == after[j]) {
      out.push_back("  " + before[i++]);
      ++j;
    } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
      out.push_back("- " + before[i++]);  // removals first, as diff(1) shows a replaced line
    } else {
      out.push_back("+ " + after[j++]);
    }
  }
  return out;
}

}  // namespace trialwatch::cli
