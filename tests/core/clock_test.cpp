// SPDX-License-Identifier: MIT
#include "core/clock.hpp"

#include "tests/support/manual_clock.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

TEST_CASE("times are formatted as UTC RFC 3339", "[core][clock]") {
  trialwatch::testing::ManualClock clock;
  CHECK(trialwatch::core::format_rfc3339(clock.now()) == "2026-11-24T12:00:00Z");
  clock.advance(36h + 5min + 7s + 900ms);
  CHECK(trialwatch::core::format_rfc3339(clock.now()) == "2026-11-26T00:05:07Z");
}
