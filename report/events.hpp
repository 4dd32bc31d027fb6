// SPDX-License-Identifier: MIT
#pragma once

#include "store/queries.hpp"

#include "report/bad_parameter.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::report {

// The filters of `events` and /events: as people type them.
struct EventFilter {
  std::string since;               // "7d", a date or an RFC 3339 time; empty = all
  std::vector<std::string> types;  // event type names
  std::string nct;                 // one study
  int limit = -1;
};

// Return the store query `filter` means at `now`; `flag` names the option in sentences ("--" for the CLI, "" for
// the web's parameters). Throw BadParameter with a sentence saying what is wrong.
store::EventQuery event_query(const EventFilter& filter, std::chrono::system_clock::time_point now,
                              std::string_view flag = "--");

// Return every event type's contract name, in the order of the contract.
std::vector<std::string> event_type_names();

// Writes events as one JSON array, or as one JSON object per line, to a sink, as they come: a busy week need not
// be held in memory.
class EventsJson {
 public:
  // Write to `sink`; `lines` = JSON Lines, else one array (with a trailing newline).
  EventsJson(std::function<void(std::string_view)> sink, bool lines) : m_sink(std::move(sink)), m_lines(lines) {}
  // Write `event`.
  void add(const store::StoredEvent& event);
  // End the document: "]" for an array (or "[]" when empty).
  void finish();

 private:
  std::function<void(std::string_view)> m_sink;
  bool m_lines;
  std::size_t m_count = 0;
};

// Append what `event` changed, in words, to `out`: "RECRUITING → ACTIVE_NOT_RECRUITING" for a status change with
// scalar values, else its summary (as `events` and the web's tables show it; not escaped).
void append_what_changed(std::string& out, const store::StoredEvent& event);

// Return the Atom feed of `events` (newest first), its feed id from `database`, updated at the newest event or at
// `now` when there is none. Every text is escaped for XML.
std::string atom_feed(const std::vector<store::StoredEvent>& events, const std::string& database,
                      std::chrono::system_clock::time_point now);

}  // namespace trialwatch::report
