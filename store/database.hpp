// SPDX-License-Identifier: MIT
#pragma once

#include "store/store_error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::store {

// How a program uses the database: the daemon writes (and migrates), CLI read commands only read.
enum class OpenMode { read_write, read_only };

// Say whether `location` (a --db value) names a PostgreSQL database (postgresql:// or postgres://), not a file.
bool is_postgres_location(std::string_view location) noexcept;

// trialwatch's database: a SQLite file, or a PostgreSQL database (see store/postgres/engine.hpp). The SQLite file is
// opened safely: WAL, synchronous=FULL, foreign keys, a busy timeout, our own
// application_id, schema migrations keyed by PRAGMA user_version, and a quick_check at most once a day; no SQLite
// mutexes (SQLITE_OPEN_NOMUTEX): a connection is used from one thread. Every SQLite failure leaves this class as a
// StoreError. Move-only; one connection per instance, used from one thread.
class Database {
 public:
  // PRAGMA application_id of every trialwatch database: "TWCH".
  static constexpr std::int32_t k_application_id = 0x54574348;
  // How long a statement waits for another connection's lock before failing with StoreError::Kind::locked.
  static constexpr int k_busy_timeout_ms = 5000;

  // Open the database at `path` in `mode`: a postgresql:// URI opens the PostgreSQL engine. For SQLite, read_write
  // creates the file if needed, checks it is ours, migrates it to this build's schema and runs quick_check unless one
  // passed within the last day (meta key last_quick_check); read_only requires an existing, current database and never
  // writes. Throw StoreError when the file cannot be used.
  static Database open(const std::filesystem::path& path, OpenMode mode);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Return the schema version this build creates and understands.
  static int latest_schema_version() noexcept;

  // Return the schema version of the open database (PRAGMA user_version).
  int schema_version() const;

  // Return the value stored under `key` in the meta table, or nothing if there is none.
  std::optional<std::string> get_meta(std::string_view key) const;

  // Store `value` under `key` in the meta table, replacing any previous value.
  void set_meta(std::string_view key, std::string_view value);

  // Become the database's one writer while this Database lives (the daemon does, at start), recording `holder`
  // ("host PID"); throw StoreError (locked) naming the other holder if there is one. Only PostgreSQL needs it.
  void claim_writer(const std::string& holder);

  // Return the SQLite file this database was opened from (empty for PostgreSQL).
  const std::filesystem::path& path() const noexcept;

  // Return what messages call this database: its file, or its URI without the password.
  const std::string& name() const noexcept;

  // Say whether this is the PostgreSQL engine.
  bool is_postgres() const noexcept;

  // The engine inside; complete only in store/detail/connection.hpp, for store's own source files.
  struct Impl;
  // Return the implementation (opaque outside store/).
  Impl& impl() noexcept { return *m_impl; }
  const Impl& impl() const noexcept { return *m_impl; }

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace trialwatch::store
