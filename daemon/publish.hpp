// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/log.hpp"
#include "core/nct_id.hpp"
#include "store/stored_event.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::daemon {

// Hands on an event that was stored (for the journal and the event log).
using EventPublisher = std::function<void(const store::StoredEvent&)>;

// Announce `event` about `id`, stored with `event_id` (of version `version`, when it has one) at `at` from the
// registry data `data_timestamp`, for a study tracked for `source`: one log line, then `sink`, when set.
void publish_event(const core::Logger& logger, const EventPublisher& sink, const core::NctId& id,
                   const core::ChangeEvent& event, const std::string& event_id, std::optional<int> version,
                   core::Clock::TimePoint at, std::string_view data_timestamp, const std::string& source);

}  // namespace trialwatch::daemon
