// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/due_facts.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::store {

// A tracked study's due dates, as the store keeps them beside its latest version.
struct DueDates {
  // The dates of version `version_read` of `nct`, none read yet.
  explicit DueDates(core::NctId nct, int version_read = 0) : id(nct), version(version_read) {}

  core::NctId id;
  int version = 0;       // the stored version they were read from
  core::DueFacts facts;  // empty when that version could not be read
  std::string source;    // why it is tracked (tracked() fills it; record() ignores it), for routing
  friend bool operator==(const DueDates&, const DueDates&) = default;
};

// A stored version whose due dates have not been read yet.
struct StaleDueDates {
  core::NctId id;
  int version = 0;     // the study's latest version
  bool first = false;  // its dates were never read: a baseline, like a study's first snapshot
};

// An event the calendar caused (results_overdue), ready to be recorded once.
struct DeadlineEvent {
  core::NctId id;
  core::ChangeEvent event;
  std::string event_id;               // stable: one per study and due date
  int version = 0;                    // the version whose dates set the deadline
  std::vector<std::string> channels;  // where it is to be sent
  std::string source;                 // why the study is tracked
};

// Results due: each tracked study's due dates, kept beside its latest version, and the events recorded when a due
// date passes. Each call is one transaction.
class Deadlines {
 public:
  // Work on `db` (opened read_write for the writing calls), which must outlive this object.
  explicit Deadlines(Database& db) : m_db(db) {}

  // Return the actively tracked studies whose due dates were never read, or were read from an older version than
  // their latest, at most `limit`, in NCT order.
  std::vector<StaleDueDates> stale(int limit) const;
  // Store `dates`, replacing what each study had.
  void record(const std::vector<DueDates>& dates);
  // Return the due dates of every actively tracked study, in NCT order.
  std::vector<DueDates> tracked() const;
  // Return those of tracked() that may owe results: none submitted or posted, not withdrawn.
  std::vector<DueDates> owing() const;
  // Record the events of `events` whose ids are new, with their deliveries, found with the registry data
  // `data_timestamp` at `now`; return the positions in `events` of those that were new (an event recorded before is
  // never recorded again).
  // Return what set_last_judged() stored last, or nothing.
  std::optional<std::string> last_judged() const { return m_db.get_meta("deadlines_judged"); }
  // Remember `what` (the day and the rule) the tracked studies were last judged for.
  void set_last_judged(std::string_view what) { m_db.set_meta("deadlines_judged", what); }
  std::vector<std::size_t> record_events(const std::vector<DeadlineEvent>& events, std::string_view data_timestamp,
                                         core::Clock::TimePoint now);

 private:
  std::vector<DueDates> read(std::string_view sql) const;

  Database& m_db;
};

}  // namespace trialwatch::store
