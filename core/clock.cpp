// SPDX-License-Identifier: MIT
#include "core/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace trialwatch::core {

Clock::TimePoint SystemClock::now() const { return std::chrono::system_clock::now(); }

std::string format_rfc3339(Clock::TimePoint t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", seconds);
}

}  // namespace trialwatch::core
