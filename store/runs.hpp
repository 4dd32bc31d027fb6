// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "store/database.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::store {

// How a sync run ended (or that it has not yet): stored and shown as the text run_outcome_name() gives.
enum class RunOutcome {
  running,    // begun, not finished (or its process ended before it could say)
  ok,         // every tracked study was checked and every change stored
  unchanged,  // the registry was not refreshed and nothing was due
  partial,    // like ok, but studies whose records could not be read were skipped
  failed,     // the cycle could not complete
};

// Return the name `outcome` is stored and shown as ("running", "ok", "unchanged", "partial", "failed").
std::string_view run_outcome_name(RunOutcome outcome) noexcept;
// Return the outcome named `name`, or nothing if no outcome has that name.
std::optional<RunOutcome> parse_run_outcome(std::string_view name) noexcept;

// How a sync run ended, for `trialwatch status` and the operators' record.
struct RunRecord {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  RunOutcome outcome = RunOutcome::running;
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
  // Record the counters of run `run.id` while it is still running (its progress for `trialwatch status`).
  void progress(const RunRecord& run);
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
  // Record when the daemon plans its next check and how often it checks, so `trialwatch status` can tell a late one.
  void set_schedule(core::Clock::TimePoint next_check, std::chrono::seconds check_interval);

 private:
  Database& m_db;
};

}  // namespace trialwatch::store
