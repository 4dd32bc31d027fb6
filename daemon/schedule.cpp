// SPDX-License-Identifier: MIT
#include "daemon/schedule.hpp"

#include "core/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace trialwatch::daemon {

std::chrono::seconds jittered(std::chrono::seconds interval, double unit) {
  const double factor = 0.9 + 0.2 * std::clamp(unit, 0.0, 1.0);
  return std::max(std::chrono::seconds(1),
                  std::chrono::seconds(std::llround(static_cast<double>(interval.count()) * factor)));
}

std::chrono::seconds jittered_backoff(std::chrono::seconds first, int failures, std::chrono::seconds cap, double unit) {
  const double base = static_cast<double>(first.count()) * std::pow(2.0, std::clamp(failures, 1, 30) - 1);
  const double capped = std::min(base, static_cast<double>(cap.count()));
  const double scaled = capped * (0.5 + 0.5 * std::clamp(unit, 0.0, 1.0));
  return std::chrono::seconds(std::max<long long>(1, std::llround(scaled)));
}

std::chrono::seconds failure_backoff(int failures, std::chrono::seconds check_interval, double unit) {
  return jittered_backoff(std::chrono::seconds(60), failures, check_interval, unit);
}

std::string human_duration(std::chrono::seconds duration) {
  const long long total = std::max<long long>(0, duration.count());
  const long long days = total / 86400;
  const long long hours = total % 86400 / 3600;
  const long long minutes = total % 3600 / 60;
  if (days > 0) return hours > 0 ? fmt::format("{}d {}h", days, hours) : fmt::format("{}d", days);
  if (hours > 0) return minutes > 0 ? fmt::format("{}h {}m", hours, minutes) : fmt::format("{}h", hours);
  if (minutes > 0) return fmt::format("{}m", minutes);
  return fmt::format("{}s", total);
}

namespace {

// "HH:MM" of an RFC 3339 UTC time, as written by the store.
std::string clock_time(const std::string& rfc3339) {
  return rfc3339.size() >= 16 ? rfc3339.substr(11, 5) + " UTC" : rfc3339;
}

std::string last_sync(const store::RunRecord& run, std::size_t skipped) {
  using store::RunOutcome;
  if (run.outcome == RunOutcome::failed) return fmt::format("last sync {} failed", clock_time(run.started_at));
  if (run.outcome == RunOutcome::unchanged)
    return fmt::format("last check {} (registry not refreshed)", clock_time(run.started_at));
  return fmt::format(
      "last sync {} {} ({} {}, {} changed)", clock_time(run.started_at),
      run.outcome == RunOutcome::partial ? "skipped " + core::counted(skipped, "study", "studies") : std::string("OK"),
      run.events, run.events == 1 ? "event" : "events", run.changed);
}

}  // namespace

std::string status_line(const StatusFacts& facts) {
  if (!facts.failure.empty())
    return fmt::format("Backing off: {}; retry in {}; tracking {}", facts.failure, human_duration(facts.retry_in),
                       core::counted(facts.tracked, "study", "studies"));
  std::string line = "Tracking " + core::counted(facts.tracked, "study", "studies");
  if (facts.last_run) line += "; " + last_sync(*facts.last_run, facts.skipped);
  if (!facts.next_check.empty()) line += "; next check " + facts.next_check;
  return line;
}

}  // namespace trialwatch::daemon
