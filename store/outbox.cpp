// SPDX-License-Identifier: MIT
#include "store/outbox.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

namespace trialwatch::store {

std::vector<PendingDelivery> Outbox::due(core::Clock::TimePoint now, int limit) const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(
        m_db,
        "SELECT e.id, e.nct_id, e.type, e.detected_at, e.data_timestamp, e.version, e.provenance, e.path, e.old, "
        "e.new, e.summary, e.source, e.registry_version, e.posted_date, d.channel, d.attempts, d.created_at FROM "
        "deliveries d JOIN events e ON "
        "e.id = d.event_id WHERE d.state = 'pending' AND d.next_attempt_at <= ? "
        "ORDER BY d.created_at, e.rowid LIMIT ?");
    query->bind(1, core::format_rfc3339(now));
    query->bind(2, limit);
    std::vector<PendingDelivery> pending;
    while (query->executeStep())
      pending.push_back(PendingDelivery{detail::read_event(*query), query->getColumn(14).getString(),
                                        query->getColumn(15).getInt(), query->getColumn(16).getString()});
    return pending;
  });
}

// Run one UPDATE of a delivery in its own transaction: ?1 = `a`, ?2 = `b` (unbound when empty), ?3 and ?4 the key.
void Outbox::update(const char* sql, const std::string& event_id, const std::string& channel, const std::string& a,
                    const std::string& b) {
  detail::in_transaction(m_db, [&] {
    auto statement = detail::statement(m_db, sql);
    statement->bind(1, a);
    if (!b.empty()) statement->bind(2, b);
    statement->bind(3, event_id);
    statement->bind(4, channel);
    statement->exec();
  });
}

void Outbox::mark_delivered(const std::string& event_id, const std::string& channel, core::Clock::TimePoint now) {
  update(
      "UPDATE deliveries SET state = 'delivered', delivered_at = ?1, attempts = attempts + 1, last_error = ?2 "
      "WHERE event_id = ?3 AND channel = ?4",
      event_id, channel, core::format_rfc3339(now), "");
}

void Outbox::mark_failed(const std::string& event_id, const std::string& channel, const std::string& error,
                         core::Clock::TimePoint retry_at) {
  update(
      "UPDATE deliveries SET last_error = ?1, next_attempt_at = ?2, attempts = attempts + 1 "
      "WHERE event_id = ?3 AND channel = ?4",
      event_id, channel, error, core::format_rfc3339(retry_at));
}

void Outbox::mark_dead(const std::string& event_id, const std::string& channel, const std::string& error) {
  update(
      "UPDATE deliveries SET state = 'dead', last_error = ?1, attempts = attempts + ?2 "
      "WHERE event_id = ?3 AND channel = ?4",
      event_id, channel, error, "1");
}

OutboxCounts count_deliveries(const Database& db) {
  return detail::reading(db, [&] {
    auto query = detail::statement(db, "SELECT state, count(*) FROM deliveries GROUP BY state");
    OutboxCounts counts;
    while (query->executeStep()) {
      const auto state = query->getColumn(0).getString();
      const auto n = query->getColumn(1).getInt64();
      if (state == "pending") counts.pending = n;
      if (state == "delivered") counts.delivered = n;
      if (state == "dead") counts.dead = n;
    }
    return counts;
  });
}

}  // namespace trialwatch::store
