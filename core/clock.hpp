// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

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

// The real clock, moved so that it read `start` when it was made: time passes as usual from there. For tests and
// demos that play a day other than today (trialwatchd's TRIALWATCH_NOW).
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(TimePoint start) : m_offset(start - std::chrono::system_clock::now()) {}
  TimePoint now() const override { return std::chrono::system_clock::now() + m_offset; }

 private:
  std::chrono::system_clock::duration m_offset;
};

// Format `t` as UTC RFC 3339 with seconds, e.g. "2026-11-24T17:05:00Z".
std::string format_rfc3339(Clock::TimePoint t);

// Parse a UTC time as format_rfc3339 writes it (fractions of a second and a missing "Z" accepted), or a date
// ("2026-09-02" = its midnight UTC); nothing when malformed or in another zone.
std::optional<Clock::TimePoint> parse_utc_time(std::string_view text);

}  // namespace trialwatch::core
