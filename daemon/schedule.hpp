// SPDX-License-Identifier: MIT
#pragma once

#include "store/runs.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace trialwatch::daemon {

// Return `interval` moved by up to ±10 % as `unit` (in [0, 1)) says, so installations started together do not
// all ask the registry in the same minute.
std::chrono::seconds jittered(std::chrono::seconds interval, double unit);

// Return how long to wait after `failures` (≥ 1) failures in a row: `first` doubling per failure, never more than
// `cap` nor less than one second, scaled by 50-100 % as `unit` (in [0, 1)) says.
std::chrono::seconds jittered_backoff(std::chrono::seconds first, int failures, std::chrono::seconds cap, double unit);

// Return how long to wait after `failures` (≥ 1) cycles in a row failed: one minute doubling per failure, never
// more than `check_interval` (see jittered_backoff).
std::chrono::seconds failure_backoff(int failures, std::chrono::seconds check_interval, double unit);

// Return `duration` as people say it: "45s", "4m", "2h 5m", "3d 4h".
std::string human_duration(std::chrono::seconds duration);

// What the STATUS= line reports.
struct StatusFacts {
  std::size_t tracked = 0;
  std::optional<store::RunRecord> last_run;  // the last finished sync run
  std::string next_check;                    // local time "HH:MM" of the next check
  std::size_t skipped = 0;                   // studies the last sync skipped (its outcome is partial)
  std::string failure;                       // the last cycle's error while backing off, else empty
  std::chrono::seconds retry_in{0};          // while backing off
};

// Return the one-line status for systemd: "Tracking 37 studies; last sync 09:12 OK (2 events); next check
// 09:42", "…; last sync 09:12 skipped 1 study (2 events, 1 changed); …" after a partial sync, or "Backing off:
// <error>; retry in 4m; tracking 37 studies".
std::string status_line(const StatusFacts& facts);

}  // namespace trialwatch::daemon
