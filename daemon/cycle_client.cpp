// SPDX-License-Identifier: MIT
#include "daemon/cycle_client.hpp"

namespace trialwatch::daemon {

void track_from_config(const std::vector<core::NctId>& track, store::WatchList& watch_list, core::Clock::TimePoint now,
                       const core::Logger& logger) {
  const auto changes = watch_list.track_exactly(track, "config", now);  // one transaction, one read of the watch list
  if (changes.tracked.size() <= 20)
    for (const auto& id : changes.tracked) logger.log(core::LogLevel::info, "now tracking {}", id.str());
  else
    logger.log(core::LogLevel::info, "now tracking {} more studies from the configuration", changes.tracked.size());
  for (const auto& id : changes.untracked)
    logger.log(core::LogLevel::info, "no longer tracking {}: it left sync.track", id.str());
}

}  // namespace trialwatch::daemon
