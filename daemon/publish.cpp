// SPDX-License-Identifier: MIT
#include "daemon/publish.hpp"

#include <fmt/format.h>

namespace trialwatch::daemon {

void publish_event(const core::Logger& logger, const EventPublisher& sink, const core::NctId& id,
                   const core::ChangeEvent& event, const std::string& event_id, std::optional<int> version,
                   core::Clock::TimePoint at, std::string_view data_timestamp, const std::string& source) {
  logger.log(core::LogLevel::info, "{} {}{}: {}", id.str(), core::event_type_name(event.type),
             version ? fmt::format(" (version {})", *version) : std::string(), event.summary);
  if (!sink) return;
  sink(store::StoredEvent{event_id,
                          id.str(),
                          event.type,
                          core::format_rfc3339(at),
                          std::string(data_timestamp),
                          version,
                          event.provenance,
                          event.path,
                          event.old_json,
                          event.new_json,
                          event.summary,
                          source,
                          std::nullopt,
                          {}});
}

}  // namespace trialwatch::daemon
