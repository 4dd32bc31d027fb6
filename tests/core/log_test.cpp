// SPDX-License-Identifier: MIT
#include "core/log.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::Logger;
using trialwatch::core::LogLevel;

TEST_CASE("log levels parse from their names and nothing else", "[core][log]") {
  CHECK(trialwatch::core::parse_log_level("debug") == LogLevel::debug);
  CHECK(trialwatch::core::parse_log_level("warning") == LogLevel::warning);
  CHECK_FALSE(trialwatch::core::parse_log_level("verbose").has_value());
  CHECK_FALSE(trialwatch::core::parse_log_level("INFO").has_value());
}

TEST_CASE("a logger keeps only messages at or above its threshold", "[core][log]") {
  Logger logger(LogLevel::warning);
  CHECK(logger.enabled(LogLevel::error));
  CHECK(logger.enabled(LogLevel::warning));
  CHECK_FALSE(logger.enabled(LogLevel::info));
  CHECK_FALSE(logger.enabled(LogLevel::debug));
}
