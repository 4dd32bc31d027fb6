// SPDX-License-Identifier: MIT
// Routing: which channels take an event, by type, study and source.
#include "notify/routing.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::EventType;
using trialwatch::core::NotifyConfig;
using trialwatch::notify::channels_for;

namespace {

NotifyConfig channel(std::string name, std::vector<std::string> events) {
  NotifyConfig config;
  config.name = std::move(name);
  config.events = std::move(events);
  return config;
}

}  // namespace

TEST_CASE("a channel takes the types it lists, and results_overdue wherever results_posted is listed",
          "[notify][routing]") {
  const std::vector<NotifyConfig> channels{channel("default", NotifyConfig{}.events),
                                           channel("statuses", {"status_changed"}),
                                           channel("overdue only", {"results_overdue"})};
  CHECK(channels_for(channels, EventType::results_posted, "NCT06613490", "config") ==
        std::vector<std::string>{"default"});
  CHECK(channels_for(channels, EventType::results_overdue, "NCT06613490", "config") ==
        std::vector<std::string>{"default", "overdue only"});
  CHECK(channels_for(channels, EventType::status_changed, "NCT06613490", "config") ==
        std::vector<std::string>{"statuses"});
  CHECK(channels_for(channels, EventType::results_submitted, "NCT06613490", "config").empty());
}

TEST_CASE("a channel's studies and sources narrow what it takes", "[notify][routing]") {
  auto narrow = channel("lab", {"results_posted"});
  narrow.studies = {"NCT06613490"};
  narrow.sources = {"config"};
  const std::vector<NotifyConfig> channels{narrow};
  CHECK(channels_for(channels, EventType::results_overdue, "NCT06613490", "config").size() == 1);
  CHECK(channels_for(channels, EventType::results_overdue, "NCT04280705", "config").empty());
  CHECK(channels_for(channels, EventType::results_overdue, "NCT06613490", "search:car").empty());
}
