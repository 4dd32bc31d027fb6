// SPDX-License-Identifier: MIT
// Internal to store/: the PostgreSQL engine's libpq wrappers (connection, result, transaction). libpq types appear
// here and in the engine's other files only (tests/layering/check_layering.py enforces it).
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <libpq-fe.h>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace trialwatch::store::postgres {

// Bytes to bind as a bytea parameter, sent in binary format (no escaping, zero bytes included).
struct Bytea {
  std::string_view bytes;
};

// One parameter of a statement, bound to its $N: text, an integer, a boolean, bytea, or NULL. Text and bytea are
// borrowed, so a Param only lives inside the argument list of the call it is made for.
class Param {
 public:
  // NULL.
  Param(std::nullptr_t) noexcept {}
  // Text, sent as it is.
  Param(std::string_view text) noexcept : m_value(text), m_null(false) {}
  Param(const char* text) noexcept : Param(std::string_view(text)) {}
  Param(const std::string& text) noexcept : Param(std::string_view(text)) {}
  // An integer, bound as int8.
  template <std::integral Integer>
  requires(!std::same_as<Integer, bool> && !std::same_as<Integer, char>) Param(Integer value)
      : Param(static_cast<std::int64_t>(value), k_int8) {}
  Param(char) = delete;  // a character is neither text nor a number here
  // A boolean.
  Param(bool value) noexcept : m_value(value ? "true" : "false"), m_null(false), m_type(k_bool) {}
  // Bytes, bound as bytea in binary format.
  Param(Bytea value) noexcept : m_value(value.bytes), m_null(false), m_binary(true), m_type(k_bytea) {}
  // A value or NULL.
  template <typename T>
  Param(const std::optional<T>& value) : Param(nullptr) {
    if (value) *this = Param(*value);
  }

  // Return the value's bytes (empty for NULL); valid while this Param lives.
  std::string_view value() const noexcept { return m_owned ? std::string_view(*m_owned) : m_value; }
  // Say whether the value is NULL.
  bool is_null() const noexcept { return m_null; }
  // Say whether the value is sent in binary format.
  bool is_binary() const noexcept { return m_binary; }
  // Return the parameter's type for the server (0: let the server infer it from the statement).
  Oid type() const noexcept { return m_type; }

 private:
  static constexpr Oid k_bool = 16, k_bytea = 17, k_int8 = 20;

  Param(std::int64_t value, Oid type) : m_owned(std::to_string(value)), m_null(false), m_type(type) {}

  std::optional<std::string> m_owned;  // integers are written out here
  std::string_view m_value;
  bool m_null = true;
  bool m_binary = false;
  Oid m_type = 0;
};

// How the server sends a result's values: as text, or in binary (what bytea columns should be read with).
enum class ResultFormat { text, binary };

// The rows a statement returned (PQclear on destruction). Accessors read either format: text() and bytea() return
// copies, int64() accepts int2, int4 and int8 columns.
class Result {
 public:
  // Own `result` (not null).
  explicit Result(PGresult* result) noexcept : m_result(result) {}

  // Return the number of rows.
  int rows() const noexcept { return PQntuples(m_result.get()); }
  // Return the number of columns.
  int columns() const noexcept { return PQnfields(m_result.get()); }
  // Return how many rows an INSERT, UPDATE or DELETE touched (0 for other statements).
  std::int64_t affected_rows() const;
  // Say whether the value at `row`, `column` is NULL.
  bool is_null(int row, int column) const;
  // Return a text value (the bytes as sent: text, varchar, jsonb's text, ...).
  std::string text(int row, int column) const;
  // Return an integer value.
  std::int64_t int64(int row, int column) const;
  // Return a bytea value's bytes.
  std::string bytea(int row, int column) const;
  // Return the libpq result, for the engine's other files.
  const PGresult* native() const noexcept { return m_result.get(); }

 private:
  struct Clear {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
  };

  // Return the bytes at `row`, `column` ("" for NULL); throw std::out_of_range for a cell the result lacks.
  std::string_view cell_or_null(int row, int column) const;
  // Return the bytes of a value that must not be NULL: StoreError (corrupt) if it is.
  std::string_view cell(int row, int column) const;

  std::unique_ptr<PGresult, Clear> m_result;
};

// Return `text` with every password in it replaced by "***": each piece of what `uri` may hold as one (as libpq reads
// it and as typed, so also when the URI does not parse), and any "password=..." or "user:secret@".
std::string without_passwords(std::string text, const std::string& uri);

// A connection to a PostgreSQL server (PQfinish on destruction). Failures throw StoreError with one sentence that
// never holds the password: unreachable (69), access_denied (78), io (74) for other refusals.
class Connection {
 public:
  // Connect to `uri` (libpq's URI or key=value syntax; PG* environment variables and PGPASSFILE apply) with
  // client_encoding UTF8 and, if given, `server_options` ("-c name=value ...") after the URI's own options.
  static Connection open(const std::string& uri, const std::string& server_options = {});

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection() = default;

  // Run `sql` with `params` bound to $1, $2, ... (never spliced into the text); return its rows as text.
  template <typename... Params>
  Result exec(const std::string& sql, const Params&... params) {
    const std::array<Param, sizeof...(Params)> bound{Param(params)...};
    return exec_params(sql, bound, ResultFormat::text);
  }

  // Run `sql` like exec(), with the rows in binary format (for bytea columns).
  template <typename... Params>
  Result exec_binary(const std::string& sql, const Params&... params) {
    const std::array<Param, sizeof...(Params)> bound{Param(params)...};
    return exec_params(sql, bound, ResultFormat::binary);
  }

  // Run `sql` with `params` bound to $1, $2, ...; return its rows in `format`.
  Result exec_params(const std::string& sql, std::span<const Param> params, ResultFormat format);

  // Return the libpq connection, for the engine's other files.
  PGconn* native() const noexcept { return m_connection.get(); }

 private:
  struct Finish {
    void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
  };

  explicit Connection(PGconn* connection) noexcept : m_connection(connection) {}

  std::unique_ptr<PGconn, Finish> m_connection;
};

// A transaction on a connection: BEGIN on construction, COMMIT by commit(), ROLLBACK on destruction unless
// committed (so an exception leaves nothing behind).
class Transaction {
 public:
  // Whether the transaction may write. Readers use read_only: the server refuses every write in it.
  enum class Mode { read_write, read_only };

  // Begin a transaction on `connection`, which must outlive it.
  explicit Transaction(Connection& connection, Mode mode = Mode::read_write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Commit; throw StoreError if the server did not (a statement in it failed, or the connection was lost).
  void commit();

 private:
  Connection& m_connection;
  bool m_open = true;
};

// Take the session-level advisory lock `key` on `connection` without waiting; return whether it was taken. The
// lock is held until the connection closes: what keeps a second writer out.
bool try_advisory_lock(Connection& connection, std::int64_t key);

}  // namespace trialwatch::store::postgres
