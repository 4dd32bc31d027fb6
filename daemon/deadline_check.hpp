// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/log.hpp"
#include "daemon/publish.hpp"
#include "daemon/study_step.hpp"
#include "diff/results_due.hpp"
#include "store/deadlines.hpp"
#include "store/versions.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::daemon {

// Return the result of the rule for `due` on the day of `now` (UTC).
diff::ResultsDue results_due_on(const store::DueDates& due, core::Clock::TimePoint now, diff::DueAfter due_after);

// Results due (docs/results-due.md): reads the due dates of versions stored since it last looked, then records
// results_overdue once for each tracked study and due date that has passed. It runs every cycle, whether or not the
// registry was refreshed or reached: it is the calendar that moves, not the record.
class DeadlineCheck {
 public:
  // Work on `deadlines`, reading versions from `versions`, handing each new event to `on_event` (the journal, the
  // event log) once it is stored and calling `heartbeat` (the watchdog) between batches of reading; all references
  // must outlive this object.
  DeadlineCheck(store::Deadlines& deadlines, const store::Versions& versions, const core::Clock& clock,
                const core::Logger& logger, diff::DueAfter due_after, EventRouter route, EventPublisher on_event = {},
                std::function<void()> heartbeat = {})
      : m_deadlines(deadlines),
        m_versions(versions),
        m_clock(clock),
        m_logger(logger),
        m_due_after(due_after),
        m_route(std::move(route)),
        m_on_event(std::move(on_event)),
        m_heartbeat(std::move(heartbeat)) {}

  // Bring the due dates up to date and, on a new day or when dates were read, record what passed, with the registry
  // data `data_timestamp`; return how many results_overdue events were new.
  int run(std::string_view data_timestamp);

 private:
  // What read_stale_dates() read.
  struct StaleRead {
    std::vector<core::NctId> first;  // studies whose dates were read for the first time, sorted
    std::size_t read = 0;            // studies whose dates were read
  };
  // Read the due dates of every version stored since the last look.
  StaleRead read_stale_dates();
  store::DueDates read_dates(const store::StaleDueDates& study) const;

  store::Deadlines& m_deadlines;
  const store::Versions& m_versions;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
  diff::DueAfter m_due_after;
  EventRouter m_route;
  EventPublisher m_on_event;
  std::function<void()> m_heartbeat;
};

}  // namespace trialwatch::daemon
