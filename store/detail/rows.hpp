// SPDX-License-Identifier: MIT
// Internal to store/: reading and binding the columns that several store files share.
#pragma once

#include "core/event.hpp"
#include "core/safe_text.hpp"
#include "store/detail/connection.hpp"
#include "store/runs.hpp"
#include "store/store_error.hpp"
#include "store/stored_event.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace trialwatch::store::detail {

// Return a TEXT column's value, or "" for NULL.
inline std::string text_or_empty(const Column& column) { return column.isNull() ? std::string() : column.getString(); }

// Bind `value`, or NULL when it is empty.
inline void bind_optional(Statement& statement, int index, const std::string& value) {
  if (value.empty())
    statement.bind(index);
  else
    statement.bind(index, value);
}

// Return a BLOB column's bytes, valid until the statement steps or resets ("" for NULL or an empty blob).
inline std::string_view blob_view(const Column& column) { return column.blobView(); }

// Set `out` to a TEXT column's value ("" for NULL), reusing its buffer.
inline void assign_text(std::string& out, const Column& column) { out.assign(column.textView()); }

// Return what `parse` makes of a TEXT column of `db` that holds one of the names store writes for `what` ("study
// state"); throw StoreError (corrupt) when it holds another: the row was damaged, or written by another program.
template <typename Parse>
auto parse_name(const Database& db, const Column& column, Parse&& parse, std::string_view what) {
  const std::string_view name = column.textView();
  if (const auto value = parse(name)) return *value;
  throw StoreError(StoreError::Kind::corrupt,
                   fmt::format("database {} is corrupt (it records the {} '{}', which trialwatch never writes); "
                               "restore it from a backup or move it away so trialwatch starts a new one",
                               db.name(), what, core::for_log_line(name)));
}

// Return the count a `SELECT count(*) ...` gives: the room to reserve before reading a whole table.
inline std::size_t count_rows(const Database& db, std::string_view count_sql) {
  auto count = statement(db, count_sql);
  return count->executeStep() ? static_cast<std::size_t>(count->getColumn(0).getInt64()) : 0;
}

// Read an event row selected as: id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new,
// summary, source, registry_version, posted_date, into `event`, reusing its strings' buffers (a reader of many rows
// allocates nothing per row).
inline void read_event_into(Statement& query, StoredEvent& event) {
  assign_text(event.id, query.getColumn(0));
  assign_text(event.nct_id, query.getColumn(1));
  event.type = core::parse_event_type(query.getColumn(2).getText("")).value_or(core::EventType::last_updated);
  assign_text(event.detected_at, query.getColumn(3));
  assign_text(event.data_timestamp, query.getColumn(4));
  event.version = query.getColumn(5).isNull() ? std::nullopt : std::optional<int>(query.getColumn(5).getInt());
  event.provenance = core::parse_provenance(query.getColumn(6).getText("")).value_or(core::Provenance::tracking);
  assign_text(event.path, query.getColumn(7));
  assign_text(event.old_json, query.getColumn(8));
  assign_text(event.new_json, query.getColumn(9));
  assign_text(event.summary, query.getColumn(10));
  assign_text(event.source, query.getColumn(11));
  event.registry_version =
      query.getColumn(12).isNull() ? std::nullopt : std::optional<int>(query.getColumn(12).getInt());
  assign_text(event.posted_date, query.getColumn(13));
}

// Read an event row selected as read_event_into() says.
inline StoredEvent read_event(Statement& query) {
  StoredEvent event{};
  read_event_into(query, event);
  return event;
}

// Read a run row of `db` selected as: id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked,
// fetched, changed, events, error.
inline RunRecord read_run(const Database& db, Statement& query) {
  RunRecord run;
  run.id = query.getColumn(0).getInt64();
  run.started_at = query.getColumn(1).getString();
  run.finished_at = text_or_empty(query.getColumn(2));
  run.outcome = parse_name(db, query.getColumn(3), parse_run_outcome, "run outcome");
  run.data_timestamp = text_or_empty(query.getColumn(4));
  run.requests = query.getColumn(5).getInt();
  run.bytes = static_cast<std::uint64_t>(query.getColumn(6).getInt64());
  run.checked = query.getColumn(7).getInt();
  run.fetched = query.getColumn(8).getInt();
  run.changed = query.getColumn(9).getInt();
  run.events = query.getColumn(10).getInt();
  run.error = text_or_empty(query.getColumn(11));
  return run;
}

}  // namespace trialwatch::store::detail
