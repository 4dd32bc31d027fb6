// SPDX-License-Identifier: MIT
// Internal to store/: what the store's files need of a database engine (SQLite or PostgreSQL). The statement API
// keeps the names of SQLiteCpp's, which the store's files were written against, so one text of SQL and one reader per
// table serve both engines.
#pragma once

#include "store/store_error.hpp"

#include <concepts>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

namespace trialwatch::store::detail {

class Statement;

// One value of a statement's current row.
class Column {
 public:
  // The value at 0-based `index` of `statement`'s current row.
  Column(const Statement& statement, int index) noexcept : m_statement(statement), m_index(index) {}

  // Say whether the value is NULL.
  bool isNull() const;
  // Return an integer value (0 for NULL; a boolean is 0 or 1).
  std::int64_t getInt64() const;
  // Return an integer value that fits an int.
  int getInt() const { return static_cast<int>(getInt64()); }
  // Return a text value ("" for NULL).
  std::string getString() const;
  // Return a text value, NUL-terminated, or `if_null` for NULL; valid until the statement steps or resets.
  const char* getText(const char* if_null = "") const;
  // Return a text value ("" for NULL), valid until the statement steps or resets.
  std::string_view textView() const;
  // Return a blob value's bytes ("" for NULL), valid until the statement steps or resets.
  std::string_view blobView() const;

 private:
  const Statement& m_statement;
  int m_index;
};

// A statement of either engine: bind 1-based parameters (`?` or `?N` in its SQL), step through its rows, read them.
class Statement {
 public:
  virtual ~Statement() = default;

  // Bind NULL.
  void bind(int index) { bind_null(index); }
  // Bind an integer.
  template <std::integral Integer>
  requires(!std::same_as<Integer, bool> && !std::same_as<Integer, char>) void bind(int index, Integer value) {
    bind_int64(index, static_cast<std::int64_t>(value));
  }
  // Bind text (copied).
  void bind(int index, std::string_view text) { bind_text(index, text); }
  void bind(int index, const std::string& text) { bind_text(index, text); }
  void bind(int index, const char* text) { bind_text(index, text); }
  // Bind bytes as a blob (copied).
  void bind(int index, const void* bytes, int size) {
    bind_blob(index, std::string_view(static_cast<const char*>(bytes), static_cast<std::size_t>(size)));
  }

  // Run the statement if it has not run since the last reset, then move to its next row; false when there is none.
  virtual bool executeStep() = 0;
  // Run a statement that returns no rows; return how many rows it changed.
  virtual int exec() = 0;
  // Forget the run (its rows), keeping the bindings.
  virtual void reset() = 0;
  // Set every parameter back to NULL.
  virtual void clearBindings() = 0;
  // reset() and clearBindings() for a statement given back to the cache; never throws (it runs in a destructor).
  virtual void release() noexcept = 0;

  // Return the value at 0-based `index` of the current row.
  Column getColumn(int index) const { return Column(*this, index); }

  // What Column reads: the current row's value at `index`. A text() view is followed by a NUL (getText() hands out
  // its data()); a blob() view may hold NULs. Both stay valid until the statement steps or resets.
  virtual bool is_null(int index) const = 0;
  virtual std::int64_t int64(int index) const = 0;
  virtual std::string_view text(int index) const = 0;
  virtual std::string_view blob(int index) const = 0;

 protected:
  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;
};

// One open connection of an engine, used from one thread.
class Engine {
 public:
  virtual ~Engine() = default;

  // Prepare `sql`, written in the SQL both engines understand (see docs/architecture.md "Store engines").
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  // Begin a transaction that writes; commit() or rollback() ends it.
  virtual void begin_write() = 0;
  // Begin a transaction that only reads, and sees the database as it was when it began whatever others write
  // meanwhile; rollback() ends it.
  virtual void begin_snapshot() = 0;
  virtual void commit() = 0;
  // Roll back the open transaction, if any; never throws (it runs while an exception unwinds).
  virtual void rollback() noexcept = 0;
  // Return the StoreError that says what to do about `error`, raised while the store was doing `what`.
  virtual StoreError translate(const std::exception& error, const char* what) const = 0;
  // Return the schema version of the open database.
  virtual int schema_version() = 0;
  // Become the database's one writer for as long as this connection lives, recording `holder` (host and PID), or throw
  // StoreError (locked) naming the holder who already is. SQLite needs nothing: its own locks serialise writers.
  virtual void claim_writer(const std::string& holder) = 0;
  // Return how many bytes the database takes on disk (0 if that cannot be read).
  virtual std::int64_t size_bytes() = 0;
  // After rows were inserted into `table` with their own `column` values (a migration), make the rows inserted
  // later number on from the largest. SQLite does so by itself; a PostgreSQL identity column needs telling.
  virtual void number_on(std::string_view table, std::string_view column) = 0;
};

inline bool Column::isNull() const { return m_statement.is_null(m_index); }
inline std::int64_t Column::getInt64() const { return m_statement.int64(m_index); }
inline std::string Column::getString() const { return std::string(textView()); }
inline const char* Column::getText(const char* if_null) const {
  return isNull() ? if_null : m_statement.text(m_index).data();
}
inline std::string_view Column::textView() const { return isNull() ? std::string_view() : m_statement.text(m_index); }
inline std::string_view Column::blobView() const { return isNull() ? std::string_view() : m_statement.blob(m_index); }

}  // namespace trialwatch::store::detail
