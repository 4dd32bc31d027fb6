// SPDX-License-Identifier: MIT
#include "core/clock.hpp"

#include "tests/support/manual_clock.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using trialwatch::core::parse_utc_time;
using TimePoint = trialwatch::core::Clock::TimePoint;

TEST_CASE("times are formatted as UTC RFC 3339", "[core][clock]") {
  trialwatch::testing::ManualClock clock;
  CHECK(trialwatch::core::format_rfc3339(clock.now()) == "2026-11-24T12:00:00Z");
  clock.advance(36h + 5min + 7s + 900ms);
  CHECK(trialwatch::core::format_rfc3339(clock.now()) == "2026-11-26T00:05:07Z");
}

TEST_CASE("times parse as the store writes them, dates as their midnight, anything else not at all", "[core][clock]") {
  CHECK(parse_utc_time("1970-01-01T00:00:00Z") == TimePoint{});
  CHECK(parse_utc_time("2026-09-02T09:10:00Z") == TimePoint(1788340200s));
  CHECK(parse_utc_time("2026-09-02T09:10:00.250Z") == TimePoint(1788340200s));
  CHECK(parse_utc_time("2026-09-02") == TimePoint(1788307200s));
  CHECK(parse_utc_time("2024-02-29") == TimePoint(1709164800s));  // a leap day
  CHECK_FALSE(parse_utc_time("2026-13-01").has_value());
  CHECK_FALSE(parse_utc_time("2026-09-02T25:00:00Z").has_value());
  CHECK_FALSE(parse_utc_time("2026-09-02T09:10:00+02:00").has_value());
  CHECK_FALSE(parse_utc_time("yesterday").has_value());
  // Outside what a time point of nanoseconds holds: refused, not overflowed.
  CHECK_FALSE(parse_utc_time("0001-01-01").has_value());
  CHECK_FALSE(parse_utc_time("1600-01-01T00:00:00Z").has_value());
  CHECK_FALSE(parse_utc_time("9999-12-31").has_value());
  CHECK(parse_utc_time("2200-12-31").has_value());
  CHECK_FALSE(parse_utc_time("").has_value());
}
