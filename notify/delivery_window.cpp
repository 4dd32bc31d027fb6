// SPDX-License-Identifier: MIT
#include "notify/delivery_window.hpp"

#include <ctime>

namespace trialwatch::notify {

namespace {

std::tm local_parts(TimePoint at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm parts{};
  localtime_r(&t, &parts);
  return parts;
}

}  // namespace

bool in_quiet_hours(std::pair<int, int> window, TimePoint now) {
  const std::tm parts = local_parts(now);
  const int minute = parts.tm_hour * 60 + parts.tm_min;
  const auto [start, end] = window;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

TimePoint next_digest_time(TimePoint after, int hour) {
  std::tm parts = local_parts(after);
  parts.tm_hour = hour;
  parts.tm_min = 0;
  parts.tm_sec = 0;
  parts.tm_isdst = -1;  // let mktime decide across daylight saving changes
  TimePoint candidate = std::chrono::system_clock::from_time_t(std::mktime(&parts));
  if (candidate <= after) {
    parts = local_parts(after);
    parts.tm_mday += 1;  // mktime normalises the day past the month's end
    parts.tm_hour = hour;
    parts.tm_min = 0;
    parts.tm_sec = 0;
    parts.tm_isdst = -1;
    candidate = std::chrono::system_clock::from_time_t(std::mktime(&parts));
  }
  return candidate;
}

}  // namespace trialwatch::notify
