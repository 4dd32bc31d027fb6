// SPDX-License-Identifier: MIT
#include "store/migration.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/version_chain.hpp"
#include "store/detail/version_codec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <variant>

namespace trialwatch::store {

namespace {

using StoreKind = StoreError::Kind;

// How a column's values are read and bound.
enum class Type { integer, text, blob };

// One column of a table copied.
struct Column {
  const char* name;
  Type type;
};

// One table of the history: its columns, the key its rows are copied in the order of, and which rows belong to the
// history.
struct Table {
  const char* name;
  std::vector<Column> key;  // unique, so rows go in as they were and are read a page at a time; events by rowid
  const char* where;        // a condition, "" for every row
  std::vector<Column> columns;
};

// Every table of the history, each before the tables whose foreign keys name it. The meta keys that belong to one
// database (its schema version, its writer, its last quick_check) stay behind.
std::vector<Table> history_tables() {
  using enum Type;
  return {
      {"meta",
       {{"key", text}},
       "key NOT IN ('schema_version', 'writer', 'last_quick_check')",
       {{"key", text}, {"value", text}}},
      {"watchlist",
       {{"nct_id", text}},
       "",
       {{"nct_id", text}, {"source", text}, {"note", text}, {"added_at", text}, {"active", integer}}},
      {"studies",
       {{"nct_id", text}},
       "",
       {{"nct_id", text},
        {"latest_version", integer},
        {"hash", text},
        {"title", text},
        {"overall_status", text},
        {"last_update_post_date", text},
        {"results_first_submit_date", text},
        {"results_first_post_date", text},
        {"has_results", integer},
        {"reset_dates", text},
        {"state", text},
        {"alias_of", text}}},
      {"dictionaries",
       {{"id", integer}},
       "",
       {{"id", integer}, {"trained_at", text}, {"documents", integer}, {"content", blob}}},
      {"versions",
       {{"nct_id", text}, {"version", integer}},
       "",
       {{"nct_id", text},
        {"version", integer},
        {"fetched_at", text},
        {"data_timestamp", text},
        {"last_update_post_date", text},
        {"hash", text},
        {"raw_size", integer},
        {"document", blob},
        {"base", integer}}},
      {"field_changes",
       {{"nct_id", text}, {"version", integer}, {"seq", integer}},
       "",
       {{"nct_id", text},
        {"version", integer},
        {"seq", integer},
        {"op", text},
        {"path", text},
        {"old", text},
        {"new", text}}},
      {"events",
       {{"rowid", integer}},
       "",
       {{"id", text},
        {"nct_id", text},
        {"type", text},
        {"detected_at", text},
        {"data_timestamp", text},
        {"version", integer},
        {"provenance", text},
        {"path", text},
        {"old", text},
        {"new", text},
        {"summary", text},
        {"source", text},
        {"registry_version", integer},
        {"posted_date", text}}},
      {"deliveries",
       {{"event_id", text}, {"channel", text}},
       "",
       {{"event_id", text},
        {"channel", text},
        {"state", text},
        {"attempts", integer},
        {"next_attempt_at", text},
        {"created_at", text},
        {"delivered_at", text},
        {"last_error", text}}},
      {"runs",
       {{"id", integer}},
       "",
       {{"id", integer},
        {"started_at", text},
        {"finished_at", text},
        {"outcome", text},
        {"data_timestamp", text},
        {"requests", integer},
        {"bytes", integer},
        {"checked", integer},
        {"fetched", integer},
        {"changed", integer},
        {"events", integer},
        {"error", text}}},
      {"searches",
       {{"name", text}},
       "",
       {{"name", text},
        {"fingerprint", text},
        {"completed_data_timestamp", text},
        {"window_date", text},
        {"completed_at", text},
        {"last_error", text}}},
      {"related",
       {{"subject", text}, {"nct_id", text}},
       "",
       {{"subject", text},
        {"nct_id", text},
        {"title", text},
        {"score", integer},
        {"reasons", text},
        {"found_at", text}}},
      {"discoveries", {{"subject", text}}, "", {{"subject", text}, {"discovered_at", text}}},
      {"past_versions",
       {{"nct_id", text}, {"registry_version", integer}},
       "",
       {{"nct_id", text},
        {"registry_version", integer},
        {"posted_date", text},
        {"overall_status", text},
        {"fetched_at", text},
        {"hash", text},
        {"raw_size", integer},
        {"base", integer},
        {"document", blob}}},
      {"backfills",
       {{"nct_id", text}},
       "",
       {{"nct_id", text},
        {"mode", text},
        {"queued_at", text},
        {"known", integer},
        {"fetched", integer},
        {"done_at", text},
        {"failures", integer},
        {"next_attempt_at", text},
        {"last_error", text}}},
      {"due_facts",
       {{"nct_id", text}},
       "",
       {{"nct_id", text},
        {"version", integer},
        {"overall_status", text},
        {"primary_completion", text},
        {"primary_completion_type", text},
        {"completion", text},
        {"completion_type", text},
        {"results_first_submit_date", text},
        {"results_first_post_date", text},
        {"certification_date", text}}},
  };
}

// The stored documents of one kind, and how they are read.
struct DocumentTable {
  const detail::FrameTable& frames;
  std::string_view studies_sql;  // the studies that have any, in order (a string literal: statement cache key)
  std::string_view hashes_sql;   // number, hash of each of ?1's, in order
  std::function<std::string(std::string_view)> DocumentHashes::*hash;  // which of DocumentHashes computes theirs
};

// What the messages say each database was doing when it failed.
constexpr const char* k_reading = "reading the history to migrate";
constexpr const char* k_writing = "taking in the migrated history";

// Run `body`, turning a failure of `db`'s engine while doing `what` into the StoreError that names `db`.
template <typename Body>
auto guarded(const Database& db, const char* what, Body&& body) {
  try {
    return body();
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& error) {
    detail::rethrow_as_store_error(error, db, what);
  }
}

// Prepare `sql`, built here, outside the statement cache (whose keys must be string literals).
std::unique_ptr<detail::Statement> prepare(const Database& db, const std::string& sql) {
  return db.impl().engine->prepare(sql);
}

// Return the names of `columns`, comma-separated.
std::string name_list(const std::vector<Column>& columns) {
  std::string list;
  for (const auto& column : columns) list.append(list.empty() ? "" : ", ").append(column.name);
  return list;
}

// Return "WHERE " and the conditions of `conditions` that are not empty, joined by AND; "" when all are.
std::string where_clause(std::initializer_list<std::string_view> conditions) {
  std::string clause;
  for (const auto condition : conditions)
    if (!condition.empty()) clause.append(clause.empty() ? "WHERE " : " AND ").append(condition);
  return clause;
}

// Return how many of `table`'s rows (those of the history) `db` holds.
std::int64_t count_rows(const Database& db, const Table& table) {
  auto count = prepare(db, fmt::format("SELECT count(*) FROM {} {}", table.name, where_clause({table.where})));
  return count->executeStep() ? count->getColumn(0).getInt64() : 0;
}

// One value of a row: NULL, an integer, or text or blob bytes (as its column's type says).
using Value = std::optional<std::variant<std::int64_t, std::string>>;

// Return the value `column` holds, read as `type`.
Value value_of(const detail::Column& column, Type type) {
  if (column.isNull()) return std::nullopt;
  switch (type) {
    case Type::integer:
      return column.getInt64();
    case Type::text:
      return std::string(column.textView());
    case Type::blob:
      return std::string(column.blobView());
  }
  return std::nullopt;
}

// Bind `value`, of `type`, at `index` of `to`.
void bind_value(detail::Statement& to, int index, const Value& value, Type type) {
  if (!value) return to.bind(index);
  if (const auto* number = std::get_if<std::int64_t>(&*value)) return to.bind(index, *number);
  const auto& bytes = std::get<std::string>(*value);
  if (type == Type::blob) return to.bind(index, bytes.data(), static_cast<int>(bytes.size()));
  to.bind(index, std::string_view(bytes));
}

// Rows of one table inserted into `to` `rows` at a time in one INSERT: a round trip to a server for each batch, not
// for each row.
class BatchInsert {
 public:
  BatchInsert(Database& to, const Table& table, int rows)
      : m_to(to), m_table(table), m_rows(rows), m_full(statement_for(rows)) {}

  // Add the row `from` is on (the table's columns first); insert the batch when it is full.
  void add(const detail::Statement& from) {
    for (std::size_t i = 0; i < m_table.columns.size(); ++i)
      m_values.push_back(value_of(from.getColumn(static_cast<int>(i)), m_table.columns[i].type));
    if (m_values.size() == static_cast<std::size_t>(m_rows) * m_table.columns.size()) flush();
  }

  // Insert the rows added since the last batch went in.
  void flush() {
    if (m_values.empty()) return;
    const auto rows = static_cast<int>(m_values.size() / m_table.columns.size());
    const auto tail = rows == m_rows ? nullptr : statement_for(rows);  // the last rows of a table
    detail::Statement& insert = tail ? *tail : *m_full;
    insert.reset();
    insert.clearBindings();
    for (std::size_t i = 0; i < m_values.size(); ++i)
      bind_value(insert, static_cast<int>(i) + 1, m_values[i], m_table.columns[i % m_table.columns.size()].type);
    insert.exec();
    m_values.clear();
  }

 private:
  std::unique_ptr<detail::Statement> statement_for(int rows) const {
    std::string row;
    for (std::size_t i = 0; i < m_table.columns.size(); ++i) row.append(i == 0 ? "(?" : ", ?");
    row += ")";
    std::string values;
    for (int i = 0; i < rows; ++i) values.append(i == 0 ? "" : ", ").append(row);
    return prepare(m_to,
                   fmt::format("INSERT INTO {} ({}) VALUES {}", m_table.name, name_list(m_table.columns), values));
  }

  Database& m_to;
  const Table& m_table;
  int m_rows;  // in a full batch
  std::unique_ptr<detail::Statement> m_full;
  std::vector<Value> m_values;  // the rows added, column after column
};

// Copy every row of `table` from `from` into `to` in the order of its key, `page_rows` at a time; return how many.
// Each page starts after the last key copied, so neither engine holds more than a page (PostgreSQL's results are
// read whole) and each page is an index range, not an ever longer OFFSET.
std::int64_t copy_rows(const Database& from, Database& to, const Table& table, std::int64_t page_rows) {
  const std::string keys = name_list(table.key);
  std::string after;  // (k1, k2) > (?, ?)
  for (std::size_t i = 0; i < table.key.size(); ++i) after.append(i == 0 ? "?" : ", ?");
  after = fmt::format("({}) > ({})", keys, after);
  const auto page_sql = [&](std::string_view condition) {
    return fmt::format("SELECT {}, {} FROM {} {} ORDER BY {} LIMIT {}", name_list(table.columns), keys, table.name,
                       where_clause({table.where, condition}), keys, page_rows);
  };
  const auto first = guarded(from, k_reading, [&] { return prepare(from, page_sql("")); });
  const auto next = guarded(from, k_reading, [&] { return prepare(from, page_sql(after)); });
  // A hundred rows to an INSERT: fewer when pages are smaller (as tests make them), and never over the 999 values
  // a statement of older SQLite builds takes.
  const auto batch = std::min({page_rows, std::int64_t{100}, static_cast<std::int64_t>(999 / table.columns.size())});
  auto insert = guarded(to, k_writing, [&] { return BatchInsert(to, table, static_cast<int>(batch)); });
  const int key_at = static_cast<int>(table.columns.size());  // the key's columns follow the table's
  std::vector<Value> last;                                    // the key of the last row copied
  std::int64_t rows = 0;
  for (std::int64_t in_page = page_rows; in_page == page_rows;) {
    detail::Statement& select = last.empty() ? *first : *next;
    guarded(from, k_reading, [&] {
      select.reset();
      for (std::size_t i = 0; i < last.size(); ++i)
        bind_value(select, static_cast<int>(i) + 1, last[i], table.key[i].type);
    });
    in_page = 0;
    while (guarded(from, k_reading, [&] { return select.executeStep(); })) {
      guarded(to, k_writing, [&] { insert.add(select); });
      last.clear();
      for (std::size_t i = 0; i < table.key.size(); ++i)
        last.push_back(value_of(select.getColumn(key_at + static_cast<int>(i)), table.key[i].type));
      ++in_page;
      ++rows;
    }
    guarded(from, k_reading, [&] { select.reset(); });  // the page's rows go now, not when the next page is read
  }
  guarded(to, k_writing, [&] { insert.flush(); });
  return rows;
}

// Throw StoreError unless `to` holds no history: a migration never mixes two.
void require_empty(Database& to, const std::vector<Table>& tables) {
  for (const auto& table : tables)
    if (const auto rows = count_rows(to, table); rows > 0)
      throw StoreError(StoreKind::not_a_trialwatch_database,
                       fmt::format("database {} already holds a trialwatch history ({} rows in {}); migrate into a "
                                   "new, empty database instead",
                                   to.name(), rows, table.name));
}

// Throw StoreError unless each table holds as many rows in `from` and `to` as were copied.
void verify_counts(const Database& from, Database& to, const std::vector<Table>& tables,
                   const std::vector<CopiedTable>& copied) {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto source = guarded(from, k_reading, [&] { return count_rows(from, tables[i]); });
    const auto target = guarded(to, k_writing, [&] { return count_rows(to, tables[i]); });
    if (source != copied[i].rows || target != copied[i].rows)
      throw StoreError(StoreKind::corrupt,
                       fmt::format("table {} has {} rows in {} but {} were copied and {} arrived in {}, so nothing "
                                   "was migrated; stop trialwatchd (it may be writing the source) and try again",
                                   tables[i].name, source, from.name(), copied[i].rows, target, to.name()));
  }
}

// Throw StoreError (corrupt) saying that `what`, copied to `to`, is not what `from` holds.
[[noreturn]] void differs(const Database& from, const Database& to, const std::string& what, std::string_view how) {
  throw StoreError(StoreKind::corrupt,
                   fmt::format("{} {} in {} (from {}), so nothing was migrated; restore {} from a backup if this "
                               "happens again",
                               what, how, to.name(), from.name(), from.name()));
}

// Check every document of `documents` in `to` against `from`: the same numbers, the same bytes, and the hash recorded
// with each; return how many documents were checked.
std::int64_t verify_documents(const Database& from, const Database& to, const DocumentTable& documents,
                              const DocumentHashes& hashes) {
  std::vector<std::string> studies;
  guarded(from, k_reading, [&] {
    auto query = detail::statement(from, documents.studies_sql);
    while (query->executeStep()) studies.push_back(query->getColumn(0).getString());
  });
  const auto& hash = hashes.*documents.hash;
  detail::VersionCodec source_codec;
  detail::VersionCodec target_codec;
  std::int64_t checked = 0;
  for (const auto& nct_id : studies) {
    std::vector<std::pair<int, std::optional<std::string>>> source;
    guarded(from, k_reading, [&] {
      detail::decode_all(from, source_codec, documents.frames, nct_id, [&](int number, const std::string* raw) {
        source.emplace_back(number, raw ? std::optional<std::string>(*raw) : std::nullopt);
      });
    });
    std::vector<std::pair<int, std::string>> recorded;
    std::size_t at = 0;
    guarded(to, k_writing, [&] {
      auto query = detail::statement(to, documents.hashes_sql);
      query->bind(1, nct_id);
      while (query->executeStep()) recorded.emplace_back(query->getColumn(0).getInt(), query->getColumn(1).getString());
      detail::decode_all(to, target_codec, documents.frames, nct_id, [&](int number, const std::string* raw) {
        const std::string what = fmt::format("{} {} {}", nct_id, documents.frames.label, number);
        if (at >= source.size() || source[at].first != number || recorded.size() != source.size() ||
            recorded[at].first != number)
          differs(from, to, what, "is not where it was");
        if ((raw != nullptr) != source[at].second.has_value() || (raw != nullptr && *raw != *source[at].second))
          differs(from, to, what, "does not decode to the bytes stored");
        if (raw != nullptr && hash(*raw) != recorded[at].second)
          differs(from, to, what, "does not have the hash recorded with it");
        checked += raw != nullptr ? 1 : 0;
        ++at;
      });
    });
    if (at != source.size()) differs(from, to, nct_id, "lost some of its documents");
  }
  return checked;
}

// One snapshot of a database for everything read from it while this lives, so that rows written meanwhile (by a
// daemon left running) are copied whole or not at all.
class Snapshot {
 public:
  explicit Snapshot(const Database& db) : m_engine(*db.impl().engine) { m_engine.begin_snapshot(); }
  ~Snapshot() { m_engine.rollback(); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  detail::Engine& m_engine;
};

}  // namespace

std::int64_t MigrationReport::rows(std::string_view table) const noexcept {
  for (const auto& copied : tables)
    if (copied.table == table) return copied.rows;
  return 0;
}

MigrationReport migrate_history(const Database& from, Database& to, const DocumentHashes& hashes,
                                std::int64_t page_rows) {
  page_rows = std::max<std::int64_t>(page_rows, 1);
  const auto tables = history_tables();
  const DocumentTable live{detail::k_live_frames, "SELECT DISTINCT nct_id FROM versions ORDER BY nct_id",
                           "SELECT version, hash FROM versions WHERE nct_id = ? ORDER BY version",
                           &DocumentHashes::live};
  const DocumentTable past{
      detail::k_past_frames, "SELECT DISTINCT nct_id FROM past_versions ORDER BY nct_id",
      "SELECT registry_version, hash FROM past_versions WHERE nct_id = ? ORDER BY registry_version",
      &DocumentHashes::past};
  const auto snapshot = guarded(from, k_reading, [&] { return std::make_unique<Snapshot>(from); });
  return detail::in_transaction(to, [&] {
    require_empty(to, tables);
    MigrationReport report;
    for (const auto& table : tables) report.tables.push_back({table.name, copy_rows(from, to, table, page_rows)});
    guarded(to, k_writing, [&] { to.impl().engine->number_on("runs", "id"); });  // the next run's id follows
    verify_counts(from, to, tables, report.tables);
    report.documents = verify_documents(from, to, live, hashes) + verify_documents(from, to, past, hashes);
    return report;
  });
}

}  // namespace trialwatch::store
