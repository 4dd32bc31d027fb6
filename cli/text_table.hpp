// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::cli {

// Rows of text cells kept in one buffer and written as aligned columns: a table of thousands of rows costs a few
// allocations, not one per cell. Every cell is made safe for a terminal (core::for_terminal) as it ends, so a cell
// may hold registry text as it is.
class TextTable {
 public:
  // Start a new row; the cells added after it belong to it.
  void start_row();

  // Add a cell to the current row.
  void add_cell(std::string_view text) {
    m_text += text;
    end_cell();
  }

  // The buffer the next cell is built in: append its text, then call end_cell().
  std::string& cell_text() { return m_text; }

  // End the cell whose text was appended to cell_text() since the previous cell ended (starting the first row if
  // none was started). Throws std::length_error past 4 GiB of text.
  void end_cell();

  // True when no row was started.
  bool empty() const { return m_row_starts.empty(); }

  // Write the rows through `sink` in chunks: columns separated by two spaces, each as wide as its widest cell, no
  // trailing spaces. When a row is wider than `max_width` (0 = no limit), column `flexible` gives way: it is cut
  // (truncate_to(), links kept whole) to what the others leave; when that is under 20 columns, or leaves under 10
  // before its longest link, it moves to a line of its own under each row, indented like the second column.
  template <typename Sink>
  void render(std::size_t max_width, std::size_t flexible, Sink&& sink) const {
    std::string chunk;
    const auto fitted = layout(max_width, flexible);
    for (std::size_t row = 0; row < m_row_starts.size(); ++row) {
      append_row(chunk, row, fitted);
      if (chunk.size() >= k_chunk) {
        sink(std::string_view(chunk));
        chunk.clear();
      }
    }
    if (!chunk.empty()) sink(std::string_view(chunk));
  }

  // The rendered table as one string (see render()).
  std::string str(std::size_t max_width, std::size_t flexible) const;

 private:
  static constexpr std::size_t k_chunk = 64 * 1024;
  static constexpr std::size_t k_narrowest = 20;  // a flexible column cut narrower moves to its own line

  // How the rows are laid out for one width: each column's width (the flexible one's: what it is cut to), and
  // the indent of the flexible column's own line when it has one.
  struct Layout {
    std::vector<std::size_t> widths;
    std::size_t flexible;
    std::size_t own_line_indent = 0;  // 0: the flexible column stays in the row
  };

  Layout layout(std::size_t max_width, std::size_t flexible) const;
  void append_row(std::string& out, std::size_t row, const Layout& fitted) const;

  // Where a cell's text ends in m_text, and its width in display columns (32 bits each: a table over 4 GB is not
  // one a terminal shows).
  struct Cell {
    std::uint32_t end;
    std::uint32_t width;
  };

  std::string m_text;                       // every cell's text, one after the other
  std::vector<Cell> m_cells;                // every cell, row after row
  std::vector<std::uint32_t> m_row_starts;  // each row's first cell in m_cells
  std::vector<std::size_t> m_widths;        // each column's widest cell, in display columns
  std::vector<std::size_t> m_link_widths;   // each column's longest link (find_link()), never cut
};

}  // namespace trialwatch::cli
