// SPDX-License-Identifier: MIT
// What the store tests that run on both engines need to look at and change a database from outside the store's API.
#pragma once

#include "store/postgres/connection.hpp"
#include "tests/support/test_database.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace trialwatch::testing {

// Run `sql` (SQL both engines understand) on `database` through its own connection; return its rows as text, NULL as
// "".
inline std::vector<std::vector<std::string>> select_rows(const TestDatabase& database, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  if (database.engine() == TestEngine::sqlite) {
    SQLite::Database db(database.location(), SQLite::OPEN_READWRITE);
    SQLite::Statement query(db, sql);
    while (query.executeStep()) {
      auto& row = rows.emplace_back();
      for (int i = 0; i < query.getColumnCount(); ++i) row.push_back(query.getColumn(i).getString());
    }
    return rows;
  }
  auto connection = store::postgres::Connection::open(database.location());
  const auto result = connection.exec(sql);
  for (int r = 0; r < result.rows(); ++r) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < result.columns(); ++c) row.push_back(result.is_null(r, c) ? "" : result.text(r, c));
  }
  return rows;
}

// Run `sql`, a query of one integer, on `database` through its own connection; return the integer.
inline std::int64_t select_integer(const TestDatabase& database, const std::string& sql) {
  const auto rows = select_rows(database, sql);
  if (rows.size() != 1 || rows[0].size() != 1) throw std::logic_error("not one value: " + sql);
  return std::stoll(rows[0][0]);
}

// Run `sql`, which returns no rows, on `database` through its own connection.
inline void execute(const TestDatabase& database, const std::string& sql) { (void)select_rows(database, sql); }

}  // namespace trialwatch::testing
