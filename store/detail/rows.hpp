// SPDX-License-Identifier: MIT
// Internal to store/: reading and binding the columns that several store files share.
#pragma once

#include "core/event.hpp"
#include "store/history.hpp"

#include <SQLiteCpp/Statement.h>

#include <string>

namespace trialwatch::store::detail {

// Return a TEXT column's value, or "" for NULL.
inline std::string text_or_empty(const SQLite::Column& column) {
  return column.isNull() ? std::string() : column.getString();
}

// Bind `value`, or NULL when it is empty.
inline void bind_optional(SQLite::Statement& statement, int index, const std::string& value) {
  if (value.empty())
    statement.bind(index);
  else
    statement.bind(index, value);
}

// Read an event row selected as: id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new,
// summary, source.
inline StoredEvent read_event(SQLite::Statement& query) {
  StoredEvent event;
  event.id = query.getColumn(0).getString();
  event.nct_id = query.getColumn(1).getString();
  event.type = core::parse_event_type(query.getColumn(2).getString()).value_or(core::EventType::last_updated);
  event.detected_at = query.getColumn(3).getString();
  event.data_timestamp = query.getColumn(4).getString();
  if (!query.getColumn(5).isNull()) event.version = query.getColumn(5).getInt();
  event.provenance = core::parse_provenance(query.getColumn(6).getString()).value_or(core::Provenance::tracking);
  event.path = text_or_empty(query.getColumn(7));
  event.old_json = text_or_empty(query.getColumn(8));
  event.new_json = text_or_empty(query.getColumn(9));
  event.summary = query.getColumn(10).getString();
  event.source = query.getColumn(11).getString();
  return event;
}

// Read a run row selected as: id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked,
// fetched, changed, events, error.
inline RunRecord read_run(SQLite::Statement& query) {
  RunRecord run;
  run.id = query.getColumn(0).getInt64();
  run.started_at = query.getColumn(1).getString();
  run.finished_at = text_or_empty(query.getColumn(2));
  run.outcome = query.getColumn(3).getString();
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
