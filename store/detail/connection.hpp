// SPDX-License-Identifier: MIT
// Internal to store/: the engine behind a Database, its statement cache and transactions. Never included outside
// this module (tests/layering/check_layering.py enforces it), so no engine's types reach a public header.
#pragma once

#include "store/database.hpp"
#include "store/detail/engine.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

namespace trialwatch::store {

struct Database::Impl {
  std::filesystem::path path;  // the SQLite file; empty for PostgreSQL
  std::string name;            // what messages call the database: the file, or the URI without its password
  std::unique_ptr<detail::Engine> engine;
  // Prepared statements by SQL text, reused across calls; declared after `engine` so they are finalised first.
  std::unordered_map<std::string_view, std::unique_ptr<detail::Statement>> statements;
};

}  // namespace trialwatch::store

namespace trialwatch::store::detail {

// A prepared statement borrowed from the connection's cache; reset (and its bindings cleared) when released, so
// no finished or half-read statement keeps a read transaction open.
class CachedStatement {
 public:
  explicit CachedStatement(Statement& statement) : m_statement(statement) {}
  ~CachedStatement() { m_statement.release(); }
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  Statement* operator->() noexcept { return &m_statement; }
  Statement& operator*() noexcept { return m_statement; }

 private:
  Statement& m_statement;
};

// Borrow the prepared statement for `sql` (a string literal: its address-stable text is the cache key).
inline CachedStatement statement(const Database& db, std::string_view sql) {
  auto& impl = const_cast<Database::Impl&>(db.impl());
  auto& slot = impl.statements[sql];
  if (!slot) slot = impl.engine->prepare(sql);
  return CachedStatement(*slot);
}

// Run `body` inside one write transaction on `db` (commit on return, roll back on exception), translating engine
// failures into StoreError.
template <typename Body>
auto in_transaction(Database& db, Body&& body);

// Run `body`, which only reads `db`, translating engine failures (a damaged page, an I/O error, a lock held too long,
// a lost server) into StoreError: every read in store/ goes through here or through in_transaction().
template <typename Body>
auto reading(const Database& db, Body&& body);

// Translate an engine failure while doing `what` into the StoreError an operator can act on.
[[noreturn]] inline void rethrow_as_store_error(const std::exception& error, const Database& db, const char* what) {
  throw db.impl().engine->translate(error, what);
}

// A write transaction: begun on construction, rolled back on destruction unless committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(Engine& engine) : m_engine(engine) { m_engine.begin_write(); }
  ~WriteTransaction() {
    if (!m_committed) m_engine.rollback();
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  // Commit what was written.
  void commit() {
    m_engine.commit();
    m_committed = true;
  }

 private:
  Engine& m_engine;
  bool m_committed = false;
};

template <typename Body>
auto in_transaction(Database& db, Body&& body) {
  try {
    WriteTransaction transaction(*db.impl().engine);
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
