// SPDX-License-Identifier: MIT
#include "core/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace trialwatch::core {

Clock::TimePoint SystemClock::now() const { return std::chrono::system_clock::now(); }

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// Read `count` digits at `at` into `value`; false if any is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t count, unsigned& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

// The years parse_utc_time() reads: well inside what a TimePoint holds (nanoseconds from 1970: 1677 to 2262).
constexpr unsigned k_first_year = 1700, k_last_year = 2200;

}  // namespace

std::optional<Clock::TimePoint> parse_utc_time(std::string_view text) {
  // Fixed positions: YYYY-MM-DD, then optionally THH:MM:SS, fractions, and Z (the store writes UTC only).
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || month < 1 || month > 12 || day < 1 || day > 31 || year < k_first_year ||
      year > k_last_year)
    return std::nullopt;
  std::size_t at = 10;
  if (text.size() > 10) {
    if (text[10] != 'T' || !digits(text, 11, 2, hour) || text.size() < 19 || text[13] != ':' ||
        !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second) || hour > 23 || minute > 59 ||
        second > 60)
      return std::nullopt;
    at = 19;
    if (at < text.size() && text[at] == '.')
      for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9';) ++at;
    if (at < text.size() && text[at] == 'Z') ++at;
  }
  if (at != text.size()) return std::nullopt;
  const long long seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return Clock::TimePoint(std::chrono::seconds(seconds));
}

std::string format_rfc3339(Clock::TimePoint t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", seconds);
}

}  // namespace trialwatch::core
