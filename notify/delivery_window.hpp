// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <utility>

namespace trialwatch::notify {

using TimePoint = std::chrono::system_clock::time_point;

// Say whether `now` falls in the local-time window [start, end) given in minutes after midnight; a window whose
// end is before its start wraps midnight ("22:00-07:00").
bool in_quiet_hours(std::pair<int, int> window, TimePoint now);

// Return the first `hour`:00 local time strictly after `after`: when a daily digest holding an event stored at
// `after` goes out.
TimePoint next_digest_time(TimePoint after, int hour);

}  // namespace trialwatch::notify
