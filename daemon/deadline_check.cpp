// SPDX-License-Identifier: MIT
#include "daemon/deadline_check.hpp"

#include "core/json_text.hpp"
#include "core/strings.hpp"
#include "diff/event_id.hpp"
#include "diff/study_facts.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::daemon {

namespace {

// How many versions' dates are read between two writes: bounds memory on the first run over 100,000 studies.
constexpr int k_batch = 500;

// The results_overdue event of a study whose results, due as `due` says, were not submitted by the day of detection.
core::ChangeEvent overdue_event(const diff::ResultsDue& due) {
  const long days = due.days_left ? -*due.days_left : 0;
  std::string summary =
      fmt::format("Results are {} overdue: due {}, {} ({}); none submitted",
                  core::counted(static_cast<std::size_t>(days), "day", "days"), due.due_date, due.rule, due.basis);
  return core::ChangeEvent{core::EventType::results_overdue, core::Provenance::deadline, "",
                           core::json_quote(due.due_date),   std::to_string(days),       std::move(summary)};
}

}  // namespace

diff::ResultsDue results_due_on(const store::DueDates& due, core::Clock::TimePoint now, diff::DueAfter due_after) {
  return diff::results_due(due.facts, std::chrono::floor<std::chrono::days>(now), due_after);
}

int DeadlineCheck::run(std::string_view data_timestamp) {
  const auto [first_read, read] = read_stale_dates();
  const auto now = m_clock.now();
  // Due dates are days: the studies are judged again only on a new day, with a new rule, or when dates were read.
  const auto day = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)};
  const auto judged =
      fmt::format("{:04}-{:02}-{:02}, {} months", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                  static_cast<unsigned>(day.day()), m_due_after.months);
  if (read == 0 && m_deadlines.last_judged() == judged) return 0;
  std::vector<store::DeadlineEvent> events;
  for (const auto& due : m_deadlines.owing()) {
    const auto result = results_due_on(due, now, m_due_after);
    if (result.state != diff::ResultsState::overdue) continue;
    auto event = overdue_event(result);
    const auto id = diff::event_id(due.id.str(), "due", result.due_date, event.type, event.path);
    // A deadline that had passed when its dates were first read (a newly tracked study, a saved search's first
    // matches, the first cycle after an upgrade) is recorded, not sent: a baseline, never a flood.
    const bool baseline = std::binary_search(first_read.begin(), first_read.end(), due.id);
    auto channels =
        baseline ? std::vector<std::string>{} : m_route(core::EventType::results_overdue, due.id.str(), due.source);
    events.push_back(store::DeadlineEvent{due.id, std::move(event), id, due.version, std::move(channels), due.source});
  }
  const auto added = m_deadlines.record_events(events, data_timestamp, now);
  for (const auto i : added) {
    const auto& [id, event, event_id, version, channels, source] = events[i];
    publish_event(m_logger, m_on_event, id, event, event_id, version, now, data_timestamp, source);
  }
  m_deadlines.set_last_judged(judged);
  return static_cast<int>(added.size());
}

DeadlineCheck::StaleRead DeadlineCheck::read_stale_dates() {
  StaleRead result;
  auto& first_read = result.first;
  for (auto stale = m_deadlines.stale(k_batch); !stale.empty(); stale = m_deadlines.stale(k_batch)) {
    std::vector<store::DueDates> dates;
    for (const auto& study : stale) {
      if (study.first) first_read.push_back(study.id);
      dates.push_back(read_dates(study));
      ++result.read;
    }
    m_deadlines.record(dates);
    if (m_heartbeat) m_heartbeat();  // the first cycle after an upgrade reads every study's latest version
  }
  std::sort(first_read.begin(), first_read.end());
  return result;
}

store::DueDates DeadlineCheck::read_dates(const store::StaleDueDates& study) const {
  // An unreadable record tells no date: its dates stay empty until a readable version comes. A damaged stored
  // copy is said once; the sync reports it when it needs that version.
  store::DueDates due(study.id, study.version);
  try {
    if (const auto document = m_versions.document(study.id, study.version))
      if (const auto facts = diff::read_study_facts(*document)) due.facts = diff::due_facts(*facts);
  } catch (const store::StoreError& e) {
    m_logger.log(core::LogLevel::warning, "results due of {}: {}", study.id.str(), e.what());
  }
  return due;
}

}  // namespace trialwatch::daemon
