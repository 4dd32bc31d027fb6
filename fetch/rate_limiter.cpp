// SPDX-License-Identifier: MIT
#include "fetch/rate_limiter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace trialwatch::fetch {

RateLimiter::RateLimiter(const core::Clock& clock, double requests_per_second, double burst)
    : m_clock(clock), m_rate(requests_per_second), m_burst(burst), m_tokens(burst), m_updated(clock.now()) {
  if (!(requests_per_second > 0.0) || !std::isfinite(requests_per_second))
    throw std::invalid_argument(
        fmt::format("rate limit must be a positive number of requests per second, not {}", requests_per_second));
  if (!(burst >= 1.0) || !std::isfinite(burst))
    throw std::invalid_argument(fmt::format("rate limit burst must be at least 1, not {}", burst));
}

// The clock is wall time, so it can step backwards; a step back refills nothing rather than draining the bucket.
double RateLimiter::tokens_at(core::Clock::TimePoint now) const {
  if (now <= m_updated) return m_tokens;
  const std::chrono::duration<double> elapsed = now - m_updated;
  return std::min(m_burst, m_tokens + elapsed.count() * m_rate);
}

std::chrono::nanoseconds RateLimiter::delay_before_next() const {
  const double tokens = tokens_at(m_clock.now());
  if (tokens >= 1.0) return std::chrono::nanoseconds(0);
  const double seconds = (1.0 - tokens) / m_rate;
  return std::chrono::nanoseconds(static_cast<std::chrono::nanoseconds::rep>(std::ceil(seconds * 1e9)));
}

void RateLimiter::take() {
  const auto now = m_clock.now();
  m_tokens = tokens_at(now) - 1.0;
  m_updated = now;
}

}  // namespace trialwatch::fetch
