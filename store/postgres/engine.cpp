// SPDX-License-Identifier: MIT
#include "store/postgres/engine.hpp"

#include "core/safe_text.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/statement.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace trialwatch::store::postgres {

namespace {

using Kind = StoreError::Kind;

// pg_advisory_xact_lock key under which one process at a time creates or migrates the schema: "TWCH".
constexpr std::int64_t k_migration_lock = 0x54574348;
// The session advisory lock the one writing daemon holds: "TWCW".
constexpr std::int64_t k_writer_lock = 0x54574357;

// Return the schema version recorded in `connection`'s database: 0 when it has no trialwatch schema.
int recorded_schema_version(Connection& connection) {
  if (connection.exec("SELECT to_regclass('meta') IS NOT NULL").text(0, 0) != "t") return 0;
  const auto row = connection.exec("SELECT value FROM meta WHERE key = 'schema_version'");
  if (row.rows() == 0) return 0;
  const std::string text = row.text(0, 0);
  int version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size() || version < 1)
    throw StoreError(Kind::not_a_trialwatch_database,
                     fmt::format("the PostgreSQL database records the schema version '{}', which trialwatch never "
                                 "writes; point trialwatch at its own database",
                                 core::for_log_line(text.substr(0, 40))));
  return version;
}

int latest_version() { return static_cast<int>(k_migrations.size()); }

// Return `name` as a quoted SQL identifier.
std::string quoted_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void check_not_newer(int version, const std::string& name) {
  if (version > latest_version())
    throw StoreError(Kind::newer_schema,
                     fmt::format("database {} was written by a newer trialwatch (schema {}, this build knows {}); "
                                 "upgrade trialwatch",
                                 name, version, latest_version()));
}

// Run `script`, several statements (a migration), in the connection's open transaction. PQexecParams takes one
// statement only, so this sends the text as a simple query.
void run_script(Connection& connection, const char* script) {
  const Result result(PQexec(connection.native(), script));
  if (result.native() != nullptr && PQresultStatus(result.native()) == PGRES_COMMAND_OK) return;
  const char* primary =
      result.native() != nullptr ? PQresultErrorField(result.native(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  throw StoreError(Kind::io, fmt::format("creating the trialwatch schema failed ({}); see the server's log",
                                         core::for_log_line(primary != nullptr ? primary : "no result")));
}

// Bring the schema up to date in one transaction, holding a lock so that two processes starting together do not
// both migrate.
void migrate(Connection& connection, const std::string& name) {
  Transaction transaction(connection);
  connection.exec("SELECT pg_advisory_xact_lock($1)", k_migration_lock);
  const int version = recorded_schema_version(connection);
  check_not_newer(version, name);
  if (version == latest_version()) return;
  if (version == 0 && connection.exec("SELECT to_regclass('watchlist') IS NOT NULL").text(0, 0) == "t")
    throw StoreError(Kind::not_a_trialwatch_database,
                     fmt::format("database {} has a table named watchlist but no trialwatch schema version; point "
                                 "trialwatch at its own database",
                                 name));
  for (int next = version; next < latest_version(); ++next)
    run_script(connection, k_migrations[static_cast<std::size_t>(next)]);
  connection.exec(
      "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
      std::to_string(latest_version()));
  transaction.commit();
}

void check_current(Connection& connection, const std::string& name) {
  const int version = recorded_schema_version(connection);
  if (version == 0)
    throw StoreError(Kind::missing, fmt::format("database {} has no trialwatch schema; start trialwatchd once to "
                                                "create it, or point --db (or TRIALWATCH_DB) at another database",
                                                name));
  check_not_newer(version, name);
  if (version < latest_version())
    throw StoreError(Kind::older_schema,
                     fmt::format("database {} has schema {} but this build needs {}; start trialwatchd once to "
                                 "upgrade it",
                                 name, version, latest_version()));
}

class PostgresEngine final : public detail::Engine, private Session {
 public:
  PostgresEngine(std::string uri, OpenMode mode)
      : m_uri(std::move(uri)), m_name(redacted(m_uri)), m_mode(mode), m_connection(session(m_uri, mode)) {
    if (mode == OpenMode::read_write)
      migrate(m_connection, m_name);
    else
      check_current(m_connection, m_name);
  }
  // Give the writer's lock back at once: the server would release it only once it noticed the session had ended,
  // which can be after the next writer tried to claim it.
  ~PostgresEngine() override {
    PGconn* connection = m_connection.native();
    if (!m_writer.empty() && PQstatus(connection) == CONNECTION_OK)
      PQclear(PQexec(connection, "SELECT pg_advisory_unlock_all()"));
  }
  PostgresEngine(const PostgresEngine&) = delete;
  PostgresEngine& operator=(const PostgresEngine&) = delete;

  std::unique_ptr<detail::Statement> prepare(std::string_view sql) override {
    return make_statement(static_cast<Session&>(*this), sql);
  }
  void begin_write() override {
    on_session(*this, [](Connection& connection) { return connection.exec("START TRANSACTION"); });
    m_in_transaction = true;
  }
  void begin_snapshot() override {
    on_session(*this, [](Connection& connection) {
      return connection.exec("START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    });
    m_in_transaction = true;
    m_connection.exec("SELECT 1");  // the snapshot is taken by the transaction's first statement: now
  }
  void commit() override {
    m_in_transaction = false;
    if (PQtransactionStatus(m_connection.native()) == PQTRANS_INERROR)
      throw StoreError(Kind::io, "a PostgreSQL transaction was rolled back because one of its statements failed");
    const auto result = m_connection.exec("COMMIT");
    if (std::string_view(PQcmdStatus(const_cast<PGresult*>(result.native()))) != "COMMIT")
      throw StoreError(Kind::io, "the PostgreSQL server rolled a transaction back instead of committing it");
  }
  void rollback() noexcept override {
    m_in_transaction = false;
    PGconn* connection = m_connection.native();
    if (PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) != PQTRANS_IDLE)
      PQclear(PQexec(connection, "ROLLBACK"));
  }
  StoreError translate(const std::exception& error, const char* what) const override {
    return StoreError(Kind::io, fmt::format("database {} failed while {}: {}", m_name, what, error.what()));
  }
  int schema_version() override {
    return on_session(*this, [](Connection& connection) { return recorded_schema_version(connection); });
  }
  void claim_writer(const std::string& holder) override {
    on_session(*this, [&](Connection& connection) {
      take_writer_lock(connection, holder);
      return 0;
    });
    m_writer = holder;
  }
  void number_on(std::string_view table, std::string_view column) override {
    // Names from the store's own code, never from input: spliced as identifiers.
    m_connection.exec(fmt::format("SELECT setval(pg_get_serial_sequence($1, $2), max({})) FROM {} HAVING count(*) > 0",
                                  quoted_identifier(column), quoted_identifier(table)),
                      std::string(table), std::string(column));
  }
  std::int64_t size_bytes() override {
    return on_session(
               *this,
               [](Connection& connection) { return connection.exec("SELECT pg_database_size(current_database())"); })
        .int64(0, 0);
  }

 private:
  Connection& connection() override {
    if (PQstatus(m_connection.native()) == CONNECTION_BAD && !reconnect())
      // what the transaction wrote is gone with the session: its body must fail, not go on
      throw StoreError(Kind::unreachable, fmt::format("lost the connection to the PostgreSQL server of {} in a "
                                                      "transaction; nothing of it was written",
                                                      m_name));
    if (m_lock_to_retake) {  // nothing goes through a new session of the writer before it holds the lock again
      take_writer_lock(m_connection, m_writer);
      m_lock_to_retake = false;
    }
    return m_connection;
  }
  bool reconnect() override {
    if (m_in_transaction) return false;
    // The server rolled back whatever the lost session had open: begin a new one; a writer takes its lock again
    // before the session serves anything (connection()), however many tries that takes.
    m_connection = session(m_uri, m_mode);
    m_lock_to_retake = !m_writer.empty();
    return true;
  }

  // Take the writer's lock on `connection` for `holder` and record the holder, or throw: locked naming the other
  // holder, or unreachable when the holder is `holder` itself (a lost session of ours the server has not yet seen die,
  // which its keepalives end within minutes: a wait, not a second daemon).
  void take_writer_lock(Connection& connection, const std::string& holder) const {
    if (!try_advisory_lock(connection, k_writer_lock)) {
      const auto recorded = connection.exec("SELECT value FROM meta WHERE key = 'writer'");
      const std::string other = recorded.rows() == 1 ? recorded.text(0, 0) : std::string("unknown");
      if (other == holder)
        throw StoreError(Kind::unreachable, fmt::format("the PostgreSQL server of {} still holds this daemon's "
                                                        "writer lock for a lost connection; trying again",
                                                        m_name));
      throw StoreError(Kind::locked, fmt::format("database {} is already written by another trialwatchd ({}); stop "
                                                 "that one first, or point this one at another database",
                                                 m_name, core::for_log_line(other)));
    }
    connection.exec("INSERT INTO meta (key, value) VALUES ('writer', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
                    holder);
  }

  // Connect to `uri` and set the session up for `mode`.
  static Connection session(const std::string& uri, OpenMode mode) {
    // The server drops a session whose client stopped answering within about two minutes (its keepalives), so a
    // lock held by a lost daemon is given back.
    std::string options = "-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=6";
    if (mode == OpenMode::read_only) options += " -c default_transaction_read_only=on";
    return Connection::open(uri, options);
  }

  std::string m_uri;
  std::string m_name;
  OpenMode m_mode;
  Connection m_connection;
  bool m_in_transaction = false;
  std::string m_writer;           // the holder claim_writer() recorded, claimed again after a reconnect
  bool m_lock_to_retake = false;  // a new session of the writer that does not hold the lock yet
};

}  // namespace

std::unique_ptr<detail::Engine> open(const std::string& uri, OpenMode mode) {
  return std::make_unique<PostgresEngine>(uri, mode);
}

std::string redacted(const std::string& uri) { return without_passwords(uri, uri); }

int latest_schema_version() noexcept { return latest_version(); }

}  // namespace trialwatch::store::postgres
