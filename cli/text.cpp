// SPDX-License-Identifier: MIT
#include "cli/text.hpp"

#include "cli/text_table.hpp"
#include "core/clock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace trialwatch::cli {

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
