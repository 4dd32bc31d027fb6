// SPDX-License-Identifier: MIT
#include "notify/routing.hpp"

#include <algorithm>

namespace trialwatch::notify {

namespace {

bool listed_or_empty(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

// Whether a channel listing `events` takes an event of `type`: one it lists, and results_overdue wherever
// results_posted is listed (where results are awaited, their absence matters too).
bool takes(const std::vector<std::string>& events, core::EventType type) {
  const auto lists = [&](core::EventType listed) {
    return std::find(events.begin(), events.end(), core::event_type_name(listed)) != events.end();
  };
  return lists(type) || (type == core::EventType::results_overdue && lists(core::EventType::results_posted));
}

}  // namespace

std::vector<std::string> channels_for(const std::vector<core::NotifyConfig>& channels, core::EventType type,
                                      std::string_view nct_id, std::string_view source) {
  std::vector<std::string> names;
  for (const auto& channel : channels)
    if (takes(channel.events, type) && listed_or_empty(channel.studies, nct_id) &&
        listed_or_empty(channel.sources, source))
      names.push_back(channel.name);
  return names;
}

}  // namespace trialwatch::notify
