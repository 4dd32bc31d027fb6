// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "store/database.hpp"
#include "store/stored_event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace trialwatch::store {

// A notification waiting to be sent: an event and the channel that must send it.
struct PendingDelivery {
  StoredEvent event;
  std::string channel;
  int attempts = 0;        // tries so far
  std::string created_at;  // when the event was stored (UTC RFC 3339)
};

// How many deliveries are in each state, for `trialwatch status`.
struct OutboxCounts {
  std::int64_t pending = 0;
  std::int64_t delivered = 0;
  std::int64_t dead = 0;
};

// Return how many deliveries of `db` are pending, delivered and dead (read-only).
OutboxCounts count_deliveries(const Database& db);

// The notification outbox. Rows are written by Versions and Discoveries in the same transaction as their event; the
// daemon's delivery worker reads the due ones, sends them, and marks each in a transaction of its own, so a crash
// between sending and marking sends again (at least once; the event id is the idempotency key).
class Outbox {
 public:
  // Work on `db` (opened read_write for the marking calls), which must outlive this object.
  explicit Outbox(Database& db) : m_db(db) {}

  // Return up to `limit` pending deliveries due at `now`, oldest first.
  std::vector<PendingDelivery> due(core::Clock::TimePoint now, int limit = 100) const;
  // Record that `channel` delivered `event_id` at `now`.
  void mark_delivered(const std::string& event_id, const std::string& channel, core::Clock::TimePoint now);
  // Record a failed try with `error` (redacted by the caller); try again at `retry_at`.
  void mark_failed(const std::string& event_id, const std::string& channel, const std::string& error,
                   core::Clock::TimePoint retry_at);
  // Give up on a delivery: it stays visible as dead, with the last error.
  void mark_dead(const std::string& event_id, const std::string& channel, const std::string& error);
  // Return how many deliveries are pending, delivered and dead.
  OutboxCounts counts() const { return count_deliveries(m_db); }

 private:
  void update(const char* sql, const std::string& event_id, const std::string& channel, const std::string& a,
              const std::string& b);
  Database& m_db;
};

}  // namespace trialwatch::store
