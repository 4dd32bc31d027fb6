// SPDX-License-Identifier: MIT
#include "core/event.hpp"

#include <catch2/catch.hpp>

using namespace trialwatch::core;

TEST_CASE("every event type round-trips through its contract name", "[core][event]") {
  for (int i = 0; i <= static_cast<int>(EventType::related_found); ++i) {
    const auto type = static_cast<EventType>(i);
    const auto name = event_type_name(type);
    INFO(name);
    CHECK(name != "unknown");
    CHECK(parse_event_type(name) == type);
  }
  CHECK(event_type_name(EventType::results_posted) == "results_posted");
  CHECK_FALSE(parse_event_type("results_published").has_value());
}

TEST_CASE("provenance names are the contract's", "[core][event]") {
  CHECK(provenance_name(Provenance::sponsor_update) == "sponsor_update");
  CHECK(provenance_name(Provenance::registry_reprocessing) == "registry_reprocessing");
  CHECK(parse_provenance("tracking") == Provenance::tracking);
  CHECK_FALSE(parse_provenance("sponsor").has_value());
}
