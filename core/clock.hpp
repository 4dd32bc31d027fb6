// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <string>

namespace trialwatch::core {

// Wall-clock time as the program sees it; tests substitute a manual clock, production uses SystemClock.
class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Return the current time.
  virtual TimePoint now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// Format `t` as UTC RFC 3339 with seconds, e.g. "2026-11-24T17:05:00Z".
std::string format_rfc3339(Clock::TimePoint t);

}  // namespace trialwatch::core
