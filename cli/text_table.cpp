// SPDX-License-Identifier: MIT
#include "cli/text_table.hpp"

#include "cli/text.hpp"
#include "core/safe_text.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace trialwatch::cli {

void TextTable::start_row() { m_row_starts.push_back(static_cast<std::uint32_t>(m_cells.size())); }

void TextTable::end_cell() {
  if (m_row_starts.empty()) start_row();  // a cell before any row starts the first
  if (m_text.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("a table of over 4 GiB of text cannot be shown; narrow the query (for example --since)");
  const std::size_t begin = m_cells.empty() ? 0 : m_cells.back().end;
  if (const std::string_view added = std::string_view(m_text).substr(begin); !core::is_terminal_safe(added))
    m_text.replace(begin, std::string::npos, core::for_terminal(added));  // cells quote registry text
  const std::size_t column = m_cells.size() - m_row_starts.back();
  const std::size_t width = display_width(std::string_view(m_text).substr(begin));
  if (m_widths.size() <= column) m_widths.push_back(0);
  m_widths[column] = std::max(m_widths[column], width);
  m_cells.push_back(Cell{static_cast<std::uint32_t>(m_text.size()), static_cast<std::uint32_t>(width)});
}

std::vector<std::size_t> TextTable::fitted_widths(std::size_t max_width, std::size_t flexible) const {
  auto widths = m_widths;
  if (max_width > 0 && flexible < widths.size()) {  // shrink the flexible column so the widest row fits
    std::size_t others = 0;
    for (std::size_t c = 0; c < widths.size(); ++c)
      if (c != flexible) others += widths[c] + 2;
    widths[flexible] = std::min(widths[flexible], max_width > others + 10 ? max_width - others : widths[flexible]);
  }
  return widths;
}

void TextTable::append_row(std::string& out, std::size_t row, const std::vector<std::size_t>& widths,
                           std::size_t flexible) const {
  const std::size_t first = m_row_starts[row];
  const std::size_t last = row + 1 < m_row_starts.size() ? m_row_starts[row + 1] : m_cells.size();
  for (std::size_t cell = first; cell < last; ++cell) {
    const std::size_t begin = cell == 0 ? 0 : m_cells[cell - 1].end;
    const std::string_view text = std::string_view(m_text).substr(begin, m_cells[cell].end - begin);
    const std::size_t column = cell - first;
    std::size_t shown = m_cells[cell].width;
    if (column == flexible && shown > widths[column]) {
      out += truncate_to(text, widths[column]);
      shown = widths[column];  // what truncate_to() leaves
    } else {
      out += text;
    }
    if (cell + 1 < last) out.append(widths[column] - shown + 2, ' ');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += '\n';
}

std::string TextTable::str(std::size_t max_width, std::size_t flexible) const {
  std::string out;
  render(max_width, flexible, [&](std::string_view chunk) { out += chunk; });
  return out;
}

}  // namespace trialwatch::cli
