// SPDX-License-Identifier: MIT
#pragma once

#include "store/queries.hpp"

#include <chrono>
#include <string>

namespace trialwatch::report {

// What `trialwatch status` concludes about the daemon, and the exit code it returns for it.
enum class Health {
  ok,       // the last check completed within twice the check interval (exit 0)
  failing,  // checking on time, but the last sync failed (exit 75)
  late,     // no check for more than twice the interval, or none ever: is trialwatchd running? (exit 69)
};

// The verdict and the sentence that explains it (empty when ok).
struct HealthVerdict {
  Health health = Health::ok;
  std::string sentence;
};

// Judge the daemon's health from what the store says at `now`. The reference is the last completed check, or a
// sync still running; without a recorded interval, trialwatchd's default of 30 minutes is assumed.
HealthVerdict judge_health(const store::StoreStatus& status, std::chrono::system_clock::time_point now);

// Return the exit code `trialwatch status` gives for `health`.
int exit_code_of(Health health);

// Return the name of `health` as `status --json` shows it: "ok", "failing" or "late".
std::string_view health_name(Health health);

}  // namespace trialwatch::report
