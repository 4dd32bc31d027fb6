// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"

#include <chrono>

namespace trialwatch::fetch {

// A token bucket that keeps requests to the registry at a sustained rate with a small burst.
// It never sleeps: the caller asks how long to wait, waits however it likes (and can be cancelled), then takes a
// token. Time comes from a core::Clock, so tests drive it with a manual clock.
class RateLimiter {
 public:
  // Allow `requests_per_second` sustained and up to `burst` requests back to back, timed by `clock` (which must
  // outlive the limiter); the bucket starts full. Throw std::invalid_argument unless rate > 0 and burst >= 1.
  RateLimiter(const core::Clock& clock, double requests_per_second, double burst);

  // Return how long to wait before the next request may start; zero when a token is available now.
  std::chrono::nanoseconds delay_before_next() const;

  // Spend one token for a request starting now. Taking without waiting first is allowed and puts the bucket in
  // debt, which later delays repay.
  void take();

 private:
  double tokens_at(core::Clock::TimePoint now) const;

  const core::Clock& m_clock;
  double m_rate;
  double m_burst;
  double m_tokens;
  core::Clock::TimePoint m_updated;
};

}  // namespace trialwatch::fetch
