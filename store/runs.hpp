// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::store {

// How a sync run ended, for `trialwatch status` and the operators' record.
struct RunRecord {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  std::string outcome;  // ok, unchanged, failed, running
  std::string data_timestamp;
  int requests = 0;
  std::uint64_t bytes = 0;
  int checked = 0;
  int fetched = 0;
  int changed = 0;
  int events = 0;
  std::string error;
};

// The sync engine's record of its runs and its two watermarks: the dataTimestamp of the last completed cycle and
// when the last full reconcile completed. A watermark is written only after the run that earns it is recorded.
class Runs {
 public:
  // Work on `db` (opened read_write for the writing calls), which must outlive this object.
  explicit Runs(Database& db) : m_db(db) {}

  // Start a run at `now` and return its id.
  std::int64_t begin(core::Clock::TimePoint now);
  // Record how run `run.id` ended.
  void finish(const RunRecord& run);
  // Return the most recent run, if any.
  std::optional<RunRecord> last() const;

  // Return the dataTimestamp of the last completed cycle, if any.
  std::optional<std::string> completed_data_timestamp() const;
  // Record `token` as the dataTimestamp of a completed cycle (only after every study of it was handled).
  void set_completed_data_timestamp(std::string_view token);
  // Return when the last full reconcile completed, if ever (UTC RFC 3339).
  std::optional<std::string> last_reconcile() const;
  // Record `at` as the time the last full reconcile completed.
  void set_last_reconcile(core::Clock::TimePoint at);

 private:
  Database& m_db;
};

}  // namespace trialwatch::store
