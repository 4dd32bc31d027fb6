// SPDX-License-Identifier: MIT
#include "store/runs.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

namespace trialwatch::store {

std::string_view run_outcome_name(RunOutcome outcome) noexcept {
  switch (outcome) {
    case RunOutcome::running:
      return "running";
    case RunOutcome::ok:
      return "ok";
    case RunOutcome::unchanged:
      return "unchanged";
    case RunOutcome::partial:
      return "partial";
    case RunOutcome::failed:
      return "failed";
  }
  return "unknown";
}

std::optional<RunOutcome> parse_run_outcome(std::string_view name) noexcept {
  for (const auto outcome :
       {RunOutcome::running, RunOutcome::ok, RunOutcome::unchanged, RunOutcome::partial, RunOutcome::failed})
    if (run_outcome_name(outcome) == name) return outcome;
  return std::nullopt;
}

std::int64_t Runs::begin(core::Clock::TimePoint now) {
  return detail::in_transaction(m_db, [&] {
    auto insert = detail::statement(m_db, "INSERT INTO runs(started_at, outcome) VALUES (?, 'running') RETURNING id");
    insert->bind(1, core::format_rfc3339(now));
    insert->executeStep();
    const std::int64_t id = insert->getColumn(0).getInt64();
    while (insert->executeStep()) {  // SQLite writes the row as the statement runs to its end
    }
    return id;
  });
}

void Runs::finish(const RunRecord& run) {
  detail::in_transaction(m_db, [&] {
    auto update =
        detail::statement(m_db,
                          "UPDATE runs SET finished_at = ?, outcome = ?, data_timestamp = ?, requests = ?, bytes = ?, "
                          "checked = ?, fetched = ?, changed = ?, events = ?, error = ? WHERE id = ?");
    update->bind(1, run.finished_at);
    update->bind(2, std::string(run_outcome_name(run.outcome)));
    detail::bind_optional(*update, 3, run.data_timestamp);
    update->bind(4, run.requests);
    update->bind(5, static_cast<std::int64_t>(run.bytes));
    update->bind(6, run.checked);
    update->bind(7, run.fetched);
    update->bind(8, run.changed);
    update->bind(9, run.events);
    detail::bind_optional(*update, 10, run.error);
    update->bind(11, run.id);
    update->exec();
  });
}

void Runs::progress(const RunRecord& run) {
  detail::in_transaction(m_db, [&] {
    auto update =
        detail::statement(m_db, "UPDATE runs SET checked = ?, fetched = ?, changed = ?, events = ? WHERE id = ?");
    update->bind(1, run.checked);
    update->bind(2, run.fetched);
    update->bind(3, run.changed);
    update->bind(4, run.events);
    update->bind(5, run.id);
    update->exec();
  });
}

std::optional<RunRecord> Runs::last() const {
  return detail::reading(m_db, [&]() -> std::optional<RunRecord> {
    auto query = detail::statement(
        m_db,
        "SELECT id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked, fetched, "
        "changed, events, error FROM runs ORDER BY id DESC LIMIT 1");
    if (!query->executeStep()) return std::nullopt;
    return detail::read_run(m_db, *query);
  });
}

std::optional<std::string> Runs::completed_data_timestamp() const { return m_db.get_meta("completed_data_timestamp"); }

void Runs::set_completed_data_timestamp(std::string_view token) { m_db.set_meta("completed_data_timestamp", token); }

std::optional<std::string> Runs::last_reconcile() const { return m_db.get_meta("last_reconcile"); }

void Runs::set_last_reconcile(core::Clock::TimePoint at) { m_db.set_meta("last_reconcile", core::format_rfc3339(at)); }

void Runs::set_schedule(core::Clock::TimePoint next_check, std::chrono::seconds check_interval) {
  detail::in_transaction(m_db, [&] {
    m_db.set_meta("next_check_at", core::format_rfc3339(next_check));
    m_db.set_meta("check_interval_seconds", std::to_string(check_interval.count()));
  });
}

}  // namespace trialwatch::store
