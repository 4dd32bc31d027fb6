// SPDX-License-Identifier: MIT
#pragma once

#include "core/config/config.hpp"
#include "core/event.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::notify {

// Return the names of the channels in `channels` whose filters (event types, studies, sources) take an event of
// `type` about study `nct_id`, tracked for `source`. A channel that takes results_posted takes results_overdue too.
std::vector<std::string> channels_for(const std::vector<core::NotifyConfig>& channels, core::EventType type,
                                      std::string_view nct_id, std::string_view source);

}  // namespace trialwatch::notify
