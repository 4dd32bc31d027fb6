// SPDX-License-Identifier: MIT
#include "daemon/cycle_client.hpp"

#include <set>
#include <string>

namespace trialwatch::daemon {

void track_from_config(const std::vector<core::NctId>& track, store::History& history, core::Clock::TimePoint now,
                       const core::Logger& logger) {
  std::set<std::string> listed;
  for (const auto& id : track) listed.insert(id.str());
  const auto added = history.track_all(track, "config", now);  // one transaction for the whole list
  if (added.size() <= 20)
    for (const auto& id : added) logger.log(core::LogLevel::info, "now tracking {}", id.str());
  else
    logger.log(core::LogLevel::info, "now tracking {} more studies from the configuration", added.size());
  for (const auto& entry : history.watchlist())
    if (entry.source == "config" && listed.count(entry.id.str()) == 0 && history.untrack(entry.id))
      logger.log(core::LogLevel::info, "no longer tracking {}: it left sync.track", entry.id.str());
}

}  // namespace trialwatch::daemon
