// SPDX-License-Identifier: MIT
#include "fetch/rate_limiter.hpp"

#include "tests/support/manual_clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>

using namespace std::chrono_literals;
using trialwatch::fetch::RateLimiter;
using trialwatch::testing::ManualClock;

TEST_CASE("a full bucket allows a burst, then one request per interval", "[fetch][rate_limiter]") {
  ManualClock clock;
  RateLimiter limiter(clock, 1.0, 5.0);
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(limiter.delay_before_next() == 0ns);
    limiter.take();
  }
  CHECK(limiter.delay_before_next() == 1s);
  clock.advance(400ms);
  CHECK(limiter.delay_before_next() == 600ms);
  clock.advance(600ms);
  CHECK(limiter.delay_before_next() == 0ns);
  limiter.take();
  CHECK(limiter.delay_before_next() == 1s);
}

TEST_CASE("a slow rate spaces requests further apart", "[fetch][rate_limiter]") {
  ManualClock clock;
  RateLimiter limiter(clock, 0.5, 1.0);
  limiter.take();
  CHECK(limiter.delay_before_next() == 2s);
}

TEST_CASE("a fast rate gives sub-second delays rounded up, never early", "[fetch][rate_limiter]") {
  ManualClock clock;
  RateLimiter limiter(clock, 3.0, 1.0);
  limiter.take();
  const auto delay = limiter.delay_before_next();
  CHECK(delay >= 333'333'333ns);
  CHECK(delay <= 333'333'334ns);
  clock.advance(delay);
  CHECK(limiter.delay_before_next() == 0ns);
}

TEST_CASE("idle time refills the bucket only up to the burst", "[fetch][rate_limiter]") {
  ManualClock clock;
  RateLimiter limiter(clock, 1.0, 2.0);
  limiter.take();
  limiter.take();
  clock.advance(1h);
  limiter.take();
  limiter.take();
  CHECK(limiter.delay_before_next() == 1s);
}

TEST_CASE("taking without waiting runs the bucket into debt that later delays repay", "[fetch][rate_limiter]") {
  ManualClock clock;
  RateLimiter limiter(clock, 1.0, 1.0);
  limiter.take();
  limiter.take();
  limiter.take();
  CHECK(limiter.delay_before_next() == 3s);
  clock.advance(2s);
  CHECK(limiter.delay_before_next() == 1s);
}

namespace {

// A wall clock that a test can also set backwards, as NTP or an operator might.
class SettableClock final : public trialwatch::core::Clock {
 public:
  TimePoint now() const override { return m_now; }
  void set(TimePoint t) { m_now = t; }

 private:
  TimePoint m_now{std::chrono::seconds(1795521600)};
};

}  // namespace

TEST_CASE("a clock stepping backwards neither refills nor drains the bucket", "[fetch][rate_limiter]") {
  SettableClock clock;
  const auto start = clock.now();
  RateLimiter limiter(clock, 1.0, 1.0);
  limiter.take();
  clock.set(start - 1h);
  CHECK(limiter.delay_before_next() == 1s);  // not 1 h + 1 s
  clock.set(start - 1h + 500ms);
  CHECK(limiter.delay_before_next() == 1s);  // the step back is not refill time either
  limiter.take();                            // from here on, time counts from the new present
  clock.set(start - 1h + 1500ms);
  CHECK(limiter.delay_before_next() == 1s);
  clock.set(start - 1h + 2500ms);
  CHECK(limiter.delay_before_next() == 0ns);
}

TEST_CASE("a nonsensical rate or burst is refused", "[fetch][rate_limiter]") {
  ManualClock clock;
  CHECK_THROWS_AS(RateLimiter(clock, 0.0, 5.0), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(clock, -1.0, 5.0), std::invalid_argument);
  CHECK_THROWS_AS(RateLimiter(clock, 1.0, 0.5), std::invalid_argument);
}
