// SPDX-License-Identifier: MIT
// Internal to store/: the SQLite connection behind a Database. Never included outside this module
// (tests/layering/check_layering.py enforces it), so SQLiteCpp stays out of every public header.
#pragma once

#include "store/database.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <memory>
#include <string_view>
#include <type_traits>
#include <unordered_map>

namespace trialwatch::store {

struct Database::Impl {
  std::filesystem::path path;
  std::unique_ptr<SQLite::Database> db;
  // Prepared statements by SQL text, reused across calls; declared after `db` so they are finalised first.
  std::unordered_map<std::string_view, std::unique_ptr<SQLite::Statement>> statements;
};

}  // namespace trialwatch::store

namespace trialwatch::store::detail {

// Return the connection `db` wraps.
inline SQLite::Database& connection(Database& db) { return *db.impl().db; }
inline const SQLite::Database& connection(const Database& db) { return *db.impl().db; }

// A prepared statement borrowed from the connection's cache; reset (and its bindings cleared) when released, so
// no finished or half-read statement keeps a read transaction open.
class CachedStatement {
 public:
  explicit CachedStatement(SQLite::Statement& statement) : m_statement(statement) {}
  // Never throws: after a failed step, reset() reports that step's error again, and an exception leaving a
  // destructor would end the process instead of reaching the caller's handler.
  ~CachedStatement() {
    (void)m_statement.tryReset();
    try {
      m_statement.clearBindings();  // sqlite3_clear_bindings() always succeeds; the catch is for the signature
    } catch (const SQLite::Exception&) {
    }
  }
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  SQLite::Statement* operator->() noexcept { return &m_statement; }
  SQLite::Statement& operator*() noexcept { return m_statement; }

 private:
  SQLite::Statement& m_statement;
};

// Borrow the prepared statement for `sql` (a string literal: its address-stable text is the cache key).
inline CachedStatement statement(const Database& db, std::string_view sql) {
  auto& impl = const_cast<Database::Impl&>(db.impl());
  auto& slot = impl.statements[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(*impl.db, std::string(sql));
  return CachedStatement(*slot);
}

// Run `body` inside one IMMEDIATE transaction on `db` (commit on return, roll back on exception), translating
// SQLite failures into StoreError.
template <typename Body>
auto in_transaction(Database& db, Body&& body);

// Run `body`, which only reads `db`, translating SQLite failures (a damaged page, an I/O error, a lock held too long)
// into StoreError: every read in store/ goes through here or through in_transaction().
template <typename Body>
auto reading(const Database& db, Body&& body);

// Translate a SQLite failure while doing `what` into the StoreError an operator can act on.
[[noreturn]] void rethrow_as_store_error(const std::exception& error, const Database& db, const char* what);

}  // namespace trialwatch::store::detail

#include <SQLiteCpp/Transaction.h>

namespace trialwatch::store::detail {

template <typename Body>
auto in_transaction(Database& db, Body&& body) {
  try {
    SQLite::Transaction transaction(connection(db), SQLite::TransactionBehavior::IMMEDIATE);
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      transaction.commit();
    } else {
      auto result = body();
      transaction.commit();
      return result;
    }
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& error) {
    rethrow_as_store_error(error, db, "writing");
  }
}

template <typename Body>
auto reading(const Database& db, Body&& body) {
  try {
    return body();
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& error) {
    rethrow_as_store_error(error, db, "reading");
  }
}

}  // namespace trialwatch::store::detail
