// SPDX-License-Identifier: MIT
#include "notify/routing.hpp"

#include <algorithm>

namespace trialwatch::notify {

namespace {

bool listed_or_empty(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::vector<std::string> channels_for(const std::vector<core::NotifyConfig>& channels, core::EventType type,
                                      std::string_view nct_id, std::string_view source) {
  std::vector<std::string> names;
  const std::string_view type_name = core::event_type_name(type);
  for (const auto& channel : channels)
    if (std::find(channel.events.begin(), channel.events.end(), type_name) != channel.events.end() &&
        listed_or_empty(channel.studies, nct_id) && listed_or_empty(channel.sources, source))
      names.push_back(channel.name);
  return names;
}

}  // namespace trialwatch::notify
