// SPDX-License-Identifier: MIT
#include "store/runs.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

namespace trialwatch::store {

std::int64_t Runs::begin(core::Clock::TimePoint now) {
  return detail::in_transaction(m_db, [&] {
    auto insert = detail::statement(m_db, "INSERT INTO runs(started_at, outcome) VALUES (?, 'running')");
    insert->bind(1, core::format_rfc3339(now));
    insert->exec();
    return detail::connection(m_db).getLastInsertRowid();
  });
}

void Runs::finish(const RunRecord& run) {
  detail::in_transaction(m_db, [&] {
    auto update =
        detail::statement(m_db,
                          "UPDATE runs SET finished_at = ?, outcome = ?, data_timestamp = ?, requests = ?, bytes = ?, "
                          "checked = ?, fetched = ?, changed = ?, events = ?, error = ? WHERE id = ?");
    update->bind(1, run.finished_at);
    update->bind(2, run.outcome);
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

std::optional<RunRecord> Runs::last() const {
  return detail::reading(m_db, [&]() -> std::optional<RunRecord> {
    auto query = detail::statement(
        m_db,
        "SELECT id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked, fetched, "
        "changed, events, error FROM runs ORDER BY id DESC LIMIT 1");
    if (!query->executeStep()) return std::nullopt;
    return detail::read_run(*query);
  });
}

std::optional<std::string> Runs::completed_data_timestamp() const { return m_db.get_meta("completed_data_timestamp"); }

void Runs::set_completed_data_timestamp(std::string_view token) { m_db.set_meta("completed_data_timestamp", token); }

std::optional<std::string> Runs::last_reconcile() const { return m_db.get_meta("last_reconcile"); }

void Runs::set_last_reconcile(core::Clock::TimePoint at) { m_db.set_meta("last_reconcile", core::format_rfc3339(at)); }

}  // namespace trialwatch::store
