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
  if (m_widths.size() <= column) {
    m_widths.push_back(0);
    m_link_widths.push_back(0);
  }
  m_widths[column] = std::max(m_widths[column], width);
  m_link_widths[column] = std::max(m_link_widths[column], find_link(std::string_view(m_text).substr(begin)).size());
  m_cells.push_back(Cell{static_cast<std::uint32_t>(m_text.size()), static_cast<std::uint32_t>(width)});
}

TextTable::Layout TextTable::layout(std::size_t max_width, std::size_t flexible) const {
  Layout fitted{m_widths, flexible};
  if (max_width == 0 || flexible >= m_widths.size()) return fitted;
  std::size_t others = 0;  // the other columns and the gaps between all
  for (std::size_t c = 0; c < m_widths.size(); ++c) others += (c == flexible ? 0 : m_widths[c]) + (c > 0 ? 2 : 0);
  if (others + m_widths[flexible] <= max_width) return fitted;
  // Room for its longest link and a few words before it.
  const std::size_t narrowest = std::max(k_narrowest, m_link_widths[flexible] + k_narrowest / 2);
  if (max_width >= others + narrowest) {
    fitted.widths[flexible] = max_width - others;
    return fitted;
  }
  const std::size_t indent = flexible == 0 || m_widths.size() < 2 ? 4 : m_widths[0] + 2;
  fitted.own_line_indent = indent;
  fitted.widths[flexible] = max_width > indent + k_narrowest / 2 ? max_width - indent : k_narrowest / 2;
  return fitted;
}

void TextTable::append_row(std::string& out, std::size_t row, const Layout& fitted) const {
  const std::size_t first = m_row_starts[row];
  const std::size_t last = row + 1 < m_row_starts.size() ? m_row_starts[row + 1] : m_cells.size();
  std::string_view own_line;  // the flexible cell, when it has a line of its own
  for (std::size_t cell = first; cell < last; ++cell) {
    const std::size_t begin = cell == 0 ? 0 : m_cells[cell - 1].end;
    const std::string_view text = std::string_view(m_text).substr(begin, m_cells[cell].end - begin);
    const std::size_t column = cell - first;
    std::size_t shown = m_cells[cell].width;
    if (column == fitted.flexible && fitted.own_line_indent > 0) {
      own_line = text;
      continue;
    }
    if (column == fitted.flexible && shown > fitted.widths[column]) {
      const std::string fitted_text = truncate_to(text, fitted.widths[column]);
      shown = display_width(fitted_text);
      out += fitted_text;
    } else {
      out += text;
    }
    if (cell + 1 < last) out.append(std::max(fitted.widths[column], shown) - shown + 2, ' ');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += '\n';
  if (own_line.empty()) return;
  out.append(fitted.own_line_indent, ' ').append(truncate_to(own_line, fitted.widths[fitted.flexible])) += '\n';
}

std::string TextTable::str(std::size_t max_width, std::size_t flexible) const {
  std::string out;
  render(max_width, flexible, [&](std::string_view chunk) { out += chunk; });
  return out;
}

}  // namespace trialwatch::cli
