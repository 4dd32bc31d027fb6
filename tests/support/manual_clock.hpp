// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"

namespace trialwatch::testing {

// A clock that moves only when a test says so.
class ManualClock final : public core::Clock {
 public:
  // Start at `start` (default: 2026-11-24T12:00:00Z).
  explicit ManualClock(TimePoint start = TimePoint(std::chrono::seconds(1795521600))) : m_now(start) {}
  TimePoint now() const override { return m_now; }
  // Move time forward by `d`.
  void advance(std::chrono::nanoseconds d) { m_now += std::chrono::duration_cast<TimePoint::duration>(d); }

 private:
  TimePoint m_now;
};

}  // namespace trialwatch::testing
