// SPDX-License-Identifier: MIT
// Damaging chosen pages of a database file behind SQLite's back, for the tests of how the store reports damage.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace trialwatch::testing {

// Which pages of a table pages_of() returns: its b-trees (the table's and its indexes'), or its overflow pages.
enum class Pages { tree, overflow };

// Return the page numbers of `table` in the database at `path`, as `which` says.
inline std::vector<std::int64_t> pages_of(const std::filesystem::path& path, const std::string& table, Pages which) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, which == Pages::overflow
                                  ? "SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = 'overflow'"
                                  : "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE "
                                    "tbl_name = ?1) AND pagetype != 'overflow'");
  query.bind(1, table);
  std::vector<std::int64_t> pages;
  while (query.executeStep()) pages.push_back(query.getColumn(0).getInt64());
  return pages;
}

// Overwrite `pages` of the database file at `path` with garbage, through the file alone.
inline void overwrite_pages(const std::filesystem::path& path, const std::vector<std::int64_t>& pages) {
  REQUIRE_FALSE(pages.empty());
  std::int64_t page_size = 0;
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    page_size = db.execAndGet("PRAGMA page_size").getInt64();
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  const std::string garbage(static_cast<std::size_t>(page_size), '\xa5');
  for (const auto page : pages) {
    file.seekp(static_cast<std::streamoff>((page - 1) * page_size));
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  REQUIRE(file.good());
}

}  // namespace trialwatch::testing
