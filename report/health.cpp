// SPDX-License-Identifier: MIT
#include "report/health.hpp"

#include "core/clock.hpp"
#include "core/exit_code.hpp"

#include "report/wording.hpp"
#include <fmt/format.h>

#include <optional>

namespace trialwatch::report {

namespace {

constexpr std::chrono::seconds k_default_interval{30 * 60};
constexpr std::string_view k_hint = "is trialwatchd running? `systemctl status trialwatchd`";

// The last sign of life: when the last completed check ended, or when a sync still running began.
std::optional<std::string> last_sign_of_life(const store::StoreStatus& status) {
  std::optional<std::string> latest;
  if (status.last_successful_run)
    latest = status.last_successful_run->finished_at.empty() ? status.last_successful_run->started_at
                                                             : status.last_successful_run->finished_at;
  if (status.last_run && status.last_run->outcome == store::RunOutcome::running &&
      (!latest || status.last_run->started_at > *latest))
    latest = status.last_run->started_at;
  return latest;
}

}  // namespace

HealthVerdict judge_health(const store::StoreStatus& status, std::chrono::system_clock::time_point now) {
  const auto interval = status.check_interval && *status.check_interval > 0
                            ? std::chrono::seconds(*status.check_interval)
                            : k_default_interval;
  const auto alive = last_sign_of_life(status);
  if (!alive) return {Health::late, fmt::format("no check completed yet: {}", k_hint)};
  const auto at = core::parse_utc_time(*alive);
  if (!at || now - *at > 2 * interval)
    return {Health::late, fmt::format("no check since {}: {}", dated(*alive, now), k_hint)};
  if (status.last_run && status.last_run->outcome == store::RunOutcome::failed)
    return {Health::failing, "the last sync failed; trialwatchd tries again (see the last error)"};
  return {};
}

int exit_code_of(Health health) {
  switch (health) {
    case Health::ok:
      return core::to_int(core::ExitCode::ok);
    case Health::failing:
      return core::to_int(core::ExitCode::temp_failure);
    case Health::late:
      return core::to_int(core::ExitCode::unavailable);
  }
  return core::to_int(core::ExitCode::failure);
}

std::string_view health_name(Health health) {
  switch (health) {
    case Health::ok:
      return "ok";
    case Health::failing:
      return "failing";
    case Health::late:
      return "late";
  }
  return "unknown";
}

}  // namespace trialwatch::report
