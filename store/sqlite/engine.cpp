// SPDX-License-Identifier: MIT
#include "store/sqlite/engine.hpp"

#include "core/clock.hpp"
#include "store/store_error.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace trialwatch::store::sqlite {

namespace {

using Kind = StoreError::Kind;

// The meta key holding when quick_check last passed (RFC 3339 UTC), so a read-write open checks at most once a day.
constexpr const char* k_last_quick_check_key = "last_quick_check";
// How long a passed quick_check vouches for the file: over 540 MB the check costs a second of CPU per open.
constexpr auto k_quick_check_interval = std::chrono::hours(24);

// The ordered schema migrations: entry i takes user_version i to i + 1. Append only; never edit a released entry.
constexpr std::array<const char*, 9> k_migrations = {
    // 1: the key/value table for store-wide facts (completed dataTimestamp, last reconcile).
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",
    // 2: the sync engine's history: watch list, study watermarks, versions, field changes, events, runs.
    R"sql(
CREATE TABLE watchlist (
  nct_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  note TEXT,
  added_at TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE TABLE studies (
  nct_id TEXT PRIMARY KEY,
  latest_version INTEGER NOT NULL DEFAULT 0,
  hash TEXT,
  title TEXT,
  overall_status TEXT,
  last_update_post_date TEXT,
  results_first_submit_date TEXT,
  results_first_post_date TEXT,
  has_results INTEGER,
  reset_dates TEXT,
  state TEXT NOT NULL DEFAULT 'present',
  alias_of TEXT
) STRICT;
CREATE TABLE versions (
  nct_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  fetched_at TEXT NOT NULL,
  data_timestamp TEXT NOT NULL,
  last_update_post_date TEXT,
  hash TEXT NOT NULL,
  raw_size INTEGER NOT NULL,
  document BLOB NOT NULL,
  PRIMARY KEY (nct_id, version)
) STRICT;
CREATE TABLE field_changes (
  nct_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  op TEXT NOT NULL,
  path TEXT NOT NULL,
  old TEXT,
  new TEXT,
  PRIMARY KEY (nct_id, version, seq),
  FOREIGN KEY (nct_id, version) REFERENCES versions (nct_id, version)
) STRICT;
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  nct_id TEXT NOT NULL,
  type TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  data_timestamp TEXT NOT NULL,
  version INTEGER,
  provenance TEXT NOT NULL,
  path TEXT,
  old TEXT,
  new TEXT,
  summary TEXT NOT NULL,
  source TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_study ON events (nct_id, detected_at);
CREATE INDEX events_by_time ON events (detected_at);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL,
  data_timestamp TEXT,
  requests INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  checked INTEGER NOT NULL DEFAULT 0,
  fetched INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  error TEXT
) STRICT;
)sql",
    // 3: versions may be zstd deltas: `base` names the version whose exact bytes are the frame's prefix (always the
    // one before); NULL is a standalone frame.
    "ALTER TABLE versions ADD COLUMN base INTEGER;",
    // 4: the notification outbox: one row per event and channel, written with the event, marked when sent.
    R"sql(
CREATE TABLE deliveries (
  event_id TEXT NOT NULL REFERENCES events (id),
  channel TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  last_error TEXT,
  PRIMARY KEY (event_id, channel)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
)sql",
    // 5: discovery: each saved search's last completed run (its window), related-trial suggestions, and when each
    // tracked study's related trials were last looked for.
    R"sql(
CREATE TABLE searches (
  name TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  completed_data_timestamp TEXT,
  window_date TEXT,
  completed_at TEXT,
  last_error TEXT
) STRICT;
CREATE TABLE related (
  subject TEXT NOT NULL,
  nct_id TEXT NOT NULL,
  title TEXT,
  score INTEGER NOT NULL,
  reasons TEXT NOT NULL,
  found_at TEXT NOT NULL,
  PRIMARY KEY (subject, nct_id)
) STRICT;
CREATE TABLE discoveries (
  subject TEXT PRIMARY KEY,
  discovered_at TEXT NOT NULL
) STRICT;
)sql",
    // 6: event ids start with the study's eight digits, then 24 of the 32 hex digits of the same hash
    // (diff::event_id), so one study's events sit together in the id index; the outbox follows its events.
    R"sql(
PRAGMA defer_foreign_keys = ON;
UPDATE deliveries SET event_id =
  (SELECT substr(e.nct_id, 4) FROM events e WHERE e.id = deliveries.event_id) || substr(event_id, 1, 24);
UPDATE events SET id = substr(nct_id, 4) || substr(id, 1, 24);
)sql",
    // 7: the zstd dictionaries standalone versions were compressed with; `id` is the dictionary ID each frame names.
    // None is written any more, but frames that name one are read with it: a dictionary is never deleted.
    R"sql(
CREATE TABLE dictionaries (
  id INTEGER PRIMARY KEY,
  trained_at TEXT NOT NULL,
  documents INTEGER NOT NULL,
  content BLOB NOT NULL
) STRICT;
)sql",
    // 8: the registry's own history: past versions (a delta against the version before, `base`, or standalone),
    // the backfill queue with its progress, and the two fields of events derived from past versions.
    R"sql(
ALTER TABLE events ADD COLUMN registry_version INTEGER;
ALTER TABLE events ADD COLUMN posted_date TEXT;
CREATE TABLE past_versions (
  nct_id TEXT NOT NULL,
  registry_version INTEGER NOT NULL CHECK (registry_version >= 0),
  posted_date TEXT NOT NULL,
  overall_status TEXT,
  fetched_at TEXT NOT NULL,
  hash TEXT,
  raw_size INTEGER,
  base INTEGER,
  document BLOB,
  PRIMARY KEY (nct_id, registry_version)
) STRICT;
CREATE TABLE backfills (
  nct_id TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('status', 'full')),
  queued_at TEXT NOT NULL,
  known INTEGER,
  fetched INTEGER NOT NULL DEFAULT 0,
  done_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT
) STRICT;
)sql",
    // 9: results due: the dates of each study's latest version the rule reads, and the version they came from.
    R"sql(
CREATE TABLE due_facts (
  nct_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  overall_status TEXT NOT NULL,
  primary_completion TEXT NOT NULL,
  primary_completion_type TEXT NOT NULL,
  completion TEXT NOT NULL,
  completion_type TEXT NOT NULL,
  results_first_submit_date TEXT NOT NULL,
  results_first_post_date TEXT NOT NULL,
  certification_date TEXT NOT NULL
) STRICT;
)sql",
};

// Turn a SQLite failure while working on `path` into a StoreError with a sentence that says what to do.
StoreError translated(const SQLite::Exception& e, const std::filesystem::path& path) {
  const std::string where = path.string();
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_NOTADB:
      return StoreError(Kind::not_a_trialwatch_database,
                        fmt::format("{} is not a SQLite database; point trialwatch at its own database file", where));
    case SQLITE_CORRUPT:
      return StoreError(Kind::corrupt, fmt::format("database {} is corrupt ({}); restore it from a backup or move it "
                                                   "away so trialwatch starts a new one",
                                                   where, e.what()));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError(Kind::locked, fmt::format("database {} stayed locked by another process for more than {} ms; "
                                                  "check that only one trialwatchd uses it",
                                                  where, Database::k_busy_timeout_ms));
    case SQLITE_FULL:
      return StoreError(Kind::io, fmt::format("the disk holding database {} is full; free some space", where));
    case SQLITE_CANTOPEN:
      return StoreError(Kind::io, fmt::format("cannot open database {} ({}); check that its directory exists and this "
                                              "user may read and write it",
                                              where, e.what()));
    default:
      return StoreError(
          Kind::io, fmt::format("database {} failed: {}; check its permissions and free disk space", where, e.what()));
  }
}

// Throw what translated() makes of `e`.
[[noreturn]] void throw_translated(const SQLite::Exception& e, const std::filesystem::path& path) {
  throw translated(e, path);
}

std::int64_t pragma_int(SQLite::Database& db, const char* pragma) {
  return db.execAndGet(fmt::format("PRAGMA {}", pragma)).getInt64();
}

bool has_schema_objects(SQLite::Database& db) {
  return db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt64() > 0;
}

int latest_version() { return static_cast<int>(k_migrations.size()); }

// Refuse a file that belongs to another application, before anything is written to it. Return whether the file
// is still blank (no application_id, no schema), i.e. ours to initialise.
bool check_ownership(SQLite::Database& db, const std::filesystem::path& path) {
  const auto application_id = pragma_int(db, "application_id");
  if (application_id == Database::k_application_id) return false;
  const bool blank = application_id == 0 && pragma_int(db, "user_version") == 0 && !has_schema_objects(db);
  if (blank) return true;
  throw StoreError(Kind::not_a_trialwatch_database,
                   fmt::format("{} is a SQLite database of another application (application_id {:#010x}); point "
                               "trialwatch at its own database file",
                               path.string(), static_cast<std::uint32_t>(application_id)));
}

void check_not_newer(std::int64_t version, const std::filesystem::path& path) {
  if (version > latest_version())
    throw StoreError(Kind::newer_schema,
                     fmt::format("database {} was written by a newer trialwatch (schema {}, this build knows {}); "
                                 "upgrade trialwatch",
                                 path.string(), version, latest_version()));
}

void quick_check(SQLite::Database& db, const std::filesystem::path& path) {
  SQLite::Statement check(db, "PRAGMA quick_check");
  std::string first;
  if (check.executeStep()) first = check.getColumn(0).getString();
  if (first != "ok")
    throw StoreError(Kind::corrupt, fmt::format("database {} failed its integrity check ({}); restore it from a "
                                                "backup or move it away so trialwatch starts a new one",
                                                path.string(), first));
}

std::optional<std::string> read_meta(SQLite::Database& db, const char* key) {
  SQLite::Statement select(db, "SELECT value FROM meta WHERE key = ?");
  select.bind(1, key);
  if (!select.executeStep()) return std::nullopt;
  return select.getColumn(0).getString();
}

void write_meta(SQLite::Database& db, const char* key, const std::string& value) {
  SQLite::Statement upsert(db,
                           "INSERT INTO meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  upsert.bind(1, key);
  upsert.bind(2, value);
  upsert.exec();
}

// Whether the last passed quick_check is unrecorded, unreadable, a day old or more, or more than a day ahead of
// `now` (the clock jumped back).
bool quick_check_due(SQLite::Database& db, std::chrono::system_clock::time_point now) {
  const auto recorded = read_meta(db, k_last_quick_check_key);
  const auto last = recorded ? core::parse_utc_time(*recorded) : std::nullopt;
  if (!last) return true;
  return now - *last >= k_quick_check_interval || *last - now > k_quick_check_interval;
}

// Run quick_check unless one passed within the last day, and record the time only once it passed, so a corrupt file
// is left as it was. Damage the skipped check would have found fails the read that meets it instead (detail::reading
// turns it into StoreError corrupt, exit 65).
void daily_quick_check(SQLite::Database& db, const std::filesystem::path& path) {
  const auto now = std::chrono::system_clock::now();
  if (!quick_check_due(db, now)) return;
  quick_check(db, path);
  write_meta(db, k_last_quick_check_key, core::format_rfc3339(now));
}

// Bring the schema up to date, one migration per IMMEDIATE transaction, so a crash leaves a consistent version and a
// second process opening the same file at the same time waits instead of migrating twice.
void migrate(SQLite::Database& db, const std::filesystem::path& path) {
  for (;;) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    const auto version = pragma_int(db, "user_version");  // re-read under the write lock
    check_not_newer(version, path);
    if (version == latest_version()) return;  // the transaction rolls back: nothing was written
    if (version == 0) db.exec(fmt::format("PRAGMA application_id = {}", Database::k_application_id));
    db.exec(k_migrations[static_cast<std::size_t>(version)]);
    db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
    transaction.commit();
  }
}

void configure_writer(SQLite::Database& db, const std::filesystem::path& path) {
  const auto journal_mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
  if (journal_mode != "wal")
    throw StoreError(Kind::io, fmt::format("database {} cannot use write-ahead logging (journal mode stays '{}'); "
                                           "keep it on a local file system",
                                           path.string(), journal_mode));
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
}

std::unique_ptr<SQLite::Database> open_read_write(const std::filesystem::path& path) {
  auto db = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOFOLLOW | SQLite::OPEN_NOMUTEX,
      Database::k_busy_timeout_ms);
  check_ownership(*db, path);
  check_not_newer(pragma_int(*db, "user_version"), path);
  configure_writer(*db, path);
  migrate(*db, path);
  daily_quick_check(*db, path);  // before anything else is written: only migrations write earlier
  return db;
}

std::unique_ptr<SQLite::Database> open_read_only(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw StoreError(Kind::missing, fmt::format("database {} does not exist; start trialwatchd once to create it, "
                                                "or point --db (or TRIALWATCH_DB) at an existing database",
                                                path.string()));
  auto db = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READONLY | SQLite::OPEN_NOFOLLOW | SQLite::OPEN_NOMUTEX, Database::k_busy_timeout_ms);
  db->exec("PRAGMA query_only = 1");
  // A client reads each page about once: SQLite's default 2 MiB page cache would only cost page faults.
  db->exec("PRAGMA cache_size = -256");
  if (check_ownership(*db, path))
    throw StoreError(Kind::missing,
                     fmt::format("database {} is empty; start trialwatchd once to create it", path.string()));
  const auto version = pragma_int(*db, "user_version");
  check_not_newer(version, path);
  if (version < latest_version())
    throw StoreError(Kind::older_schema,
                     fmt::format("database {} has schema {} but this build needs {}; start trialwatchd once to "
                                 "upgrade it",
                                 path.string(), version, latest_version()));
  return db;
}

// A statement on the SQLite connection; SQLiteCpp copies what is bound.
class SqliteStatement final : public detail::Statement {
 public:
  SqliteStatement(SQLite::Database& db, std::string_view sql) : m_statement(db, std::string(sql)) {}

  bool executeStep() override { return m_statement.executeStep(); }
  int exec() override { return m_statement.exec(); }
  void reset() override { m_statement.reset(); }
  void clearBindings() override { m_statement.clearBindings(); }
  void release() noexcept override {
    (void)m_statement.tryReset();  // after a failed step, reset() reports that step's error again: ignored here
    try {
      m_statement.clearBindings();  // sqlite3_clear_bindings() always succeeds; the catch is for the signature
    } catch (const SQLite::Exception&) {
    }
  }

  bool is_null(int index) const override { return m_statement.getColumn(index).isNull(); }
  std::int64_t int64(int index) const override { return m_statement.getColumn(index).getInt64(); }
  std::string_view text(int index) const override {
    const auto column = m_statement.getColumn(index);
    const char* text = column.getText("");  // first: SQLite sizes the value as text once it is asked for text
    return {text, static_cast<std::size_t>(column.getBytes())};
  }
  std::string_view blob(int index) const override {
    const auto column = m_statement.getColumn(index);
    const auto* bytes = static_cast<const char*>(column.getBlob());
    return bytes == nullptr ? std::string_view() : std::string_view(bytes, static_cast<std::size_t>(column.getBytes()));
  }

 private:
  void bind_null(int index) override { m_statement.bind(index); }
  void bind_int64(int index, std::int64_t value) override { m_statement.bind(index, value); }
  void bind_text(int index, std::string_view text) override { m_statement.bind(index, std::string(text)); }
  void bind_blob(int index, std::string_view bytes) override {
    m_statement.bind(index, bytes.data(), static_cast<int>(bytes.size()));
  }

  mutable SQLite::Statement m_statement;
};

// The SQLite file, opened by open() below.
class SqliteEngine final : public detail::Engine {
 public:
  SqliteEngine(std::filesystem::path path, std::unique_ptr<SQLite::Database> db)
      : m_path(std::move(path)), m_db(std::move(db)) {}

  std::unique_ptr<detail::Statement> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(*m_db, sql);
  }
  void begin_write() override { m_db->exec("BEGIN IMMEDIATE"); }
  void begin_snapshot() override {
    m_db->exec("BEGIN");
    (void)pragma_int(*m_db, "schema_version");  // a deferred transaction takes its snapshot at its first read
  }
  void commit() override { m_db->exec("COMMIT"); }
  void rollback() noexcept override {
    if (sqlite3_get_autocommit(m_db->getHandle()) != 0) return;  // SQLite already rolled back (or never began)
    (void)m_db->tryExec("ROLLBACK");
  }
  StoreError translate(const std::exception& error, const char* what) const override {
    if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&error)) return translated(*sqlite, m_path);
    return StoreError(Kind::io,
                      fmt::format("database {} failed while {}: {}; check its permissions and free disk space",
                                  m_path.string(), what, error.what()));
  }
  int schema_version() override { return static_cast<int>(pragma_int(*m_db, "user_version")); }
  void claim_writer(const std::string&) override {}
  void number_on(std::string_view, std::string_view) override {}
  std::int64_t size_bytes() override {
    std::error_code ignored;
    const auto size = std::filesystem::file_size(m_path, ignored);
    return ignored ? 0 : static_cast<std::int64_t>(size);
  }

 private:
  std::filesystem::path m_path;
  std::unique_ptr<SQLite::Database> m_db;
};

}  // namespace

std::unique_ptr<detail::Engine> open(const std::filesystem::path& path, OpenMode mode) {
  std::error_code ec;
  if (std::filesystem::is_symlink(path, ec))
    throw StoreError(Kind::io,
                     fmt::format("database {} is a symbolic link; point trialwatch at the file itself", path.string()));
  try {
    auto db = mode == OpenMode::read_write ? open_read_write(path) : open_read_only(path);
    return std::make_unique<SqliteEngine>(path, std::move(db));
  } catch (const SQLite::Exception& e) {
    throw_translated(e, path);
  }
}

int latest_schema_version() noexcept { return latest_version(); }

}  // namespace trialwatch::store::sqlite
