// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::store {

// What the store remembers of a saved search: its last completed run, which bounds the next run's window.
struct SearchState {
  std::string name;
  std::string fingerprint;               // the query it ran; another query starts again with a first run
  std::string completed_data_timestamp;  // the registry data its last completed run saw ("" = never completed)
  std::string window_date;               // yyyy-MM-dd the last completed run covered up to
  std::string completed_at;              // UTC RFC 3339
  std::string last_error;                // why the last run failed, "" if it did not
};

// A study that discovery found, with the event that says so and the channels that must send that event.
struct FoundStudy {
  core::NctId id;
  bool track = true;        // put it on the watch list (its source is the discovery's source)
  core::ChangeEvent event;  // search_matched / related_found; ignored when event_id is empty
  std::string event_id;     // stable; "" = record no event (a search's first run)
  std::vector<std::string> channels;
  // Related trials only: the suggestion, kept for `trialwatch related`.
  std::string title;
  int score = 0;
  std::vector<std::string> reasons;
};

// The discovery side of the database: saved-search runs, related-trial suggestions and when each study's related
// trials were last looked for. Every write is one IMMEDIATE transaction that also writes the watch-list entries
// and events it implies, so a crash keeps all of a run's findings or none of them.
class Discoveries {
 public:
  // Work on `db` (opened read_write), which must outlive this object.
  explicit Discoveries(Database& db);

  // Return what is remembered of search `name`, if it ever ran.
  std::optional<SearchState> search(std::string_view name) const;
  // Return how many studies are on the watch list (tracked or untracked since) because of `source`.
  int listed_from(std::string_view source) const;
  // Return every NCT ID on the watch list, tracked or untracked since: discovery never adds those again.
  std::set<std::string> listed() const;

  // Record a completed run of a search (`state`, its window and data timestamp) and, in the same transaction,
  // track every study in `found` with source "search:NAME" and store its event. Return, per study, whether its
  // event was new (and so is to be published).
  std::vector<bool> complete_search(const SearchState& state, const std::vector<FoundStudy>& found,
                                    std::string_view data_timestamp, core::Clock::TimePoint now);
  // Record that the registry rejected search `name` (querying `fingerprint`) with `error` for the data of
  // `data_timestamp`: it is not tried again before the next refresh, and its window does not move.
  void reject_search(std::string_view name, std::string_view fingerprint, std::string_view error,
                     std::string_view data_timestamp);

  // Return up to `limit` actively, explicitly tracked studies (source config or cli) with a stored version whose
  // related trials were never looked for or last at or before `cutoff`, never-looked-at first, then oldest first.
  std::vector<core::NctId> due_subjects(core::Clock::TimePoint cutoff, std::size_t limit) const;
  // Return how many studies due_subjects() would name without a limit.
  std::size_t count_due_subjects(core::Clock::TimePoint cutoff) const;
  // Return when related trials of `subject` were last looked for (UTC RFC 3339), if ever.
  std::optional<std::string> discovered_at(const core::NctId& subject) const;
  // Return the studies already suggested for `subject`.
  std::set<std::string> suggested(const core::NctId& subject) const;
  // Record a completed related-trial discovery for `subject` at `now`: keep each suggestion in `found`, store its
  // related_found event (source "related:SUBJECT") and track the ones marked so, in one transaction. Return, per
  // study, whether its event was new.
  std::vector<bool> complete_discovery(const core::NctId& subject, const std::vector<FoundStudy>& found,
                                       std::string_view data_timestamp, core::Clock::TimePoint now);

 private:
  // Put `id` on the watch list with `source` unless it is listed already; return whether it was added.
  bool add_to_watchlist(const core::NctId& id, const std::string& source, const std::string& note,
                        const std::string& at);
  Database& m_db;
};

}  // namespace trialwatch::store
