// SPDX-License-Identifier: MIT
#pragma once

#include "store/queries.hpp"
#include "store/registry_history.hpp"

#include "report/health.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace trialwatch::report {

// What `trialwatch status` (and /status) says: the store's counts and watermarks, the backfill's progress and the
// verdict on the daemon's health.
struct StatusReport {
  store::StoreStatus store;
  store::BackfillProgress backfill;
  HealthVerdict verdict;
};

// Return the status of `db` judged at `now`.
StatusReport status_report(store::Database& db, std::chrono::system_clock::time_point now);

// Return the document of `status --json` (and /api/status) for the database at `database`, then a newline.
std::string status_json(const StatusReport& status, const std::filesystem::path& database);

}  // namespace trialwatch::report
