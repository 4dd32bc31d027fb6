// SPDX-License-Identifier: MIT
#include "store/event_json.hpp"

#include <catch2/catch.hpp>

TEST_CASE("an event becomes the documented JSON object, with JSON values and nulls where absent",
          "[store][event_json]") {
  trialwatch::store::StoredEvent event;
  event.id = "e1";
  event.nct_id = "NCT06613490";
  event.type = trialwatch::core::EventType::status_changed;
  event.detected_at = "2026-09-02T09:10:00Z";
  event.data_timestamp = "2026-09-02T09:00:04";
  event.version = 2;
  event.provenance = trialwatch::core::Provenance::sponsor_update;
  event.path = "protocolSection.statusModule.overallStatus";
  event.old_json = "\"RECRUITING\"";
  event.new_json = "\"ACTIVE_NOT_RECRUITING\"";
  event.summary = "Status: RECRUITING \u2192 \"ACTIVE_NOT_RECRUITING\"";
  event.source = "config";
  CHECK(trialwatch::store::event_json(event) ==
        R"({"id":"e1","nct_id":"NCT06613490","type":"status_changed","detected_at":"2026-09-02T09:10:00Z",)"
        R"("data_timestamp":"2026-09-02T09:00:04","version":2,"provenance":"sponsor_update",)"
        R"("path":"protocolSection.statusModule.overallStatus","old":"RECRUITING","new":"ACTIVE_NOT_RECRUITING",)"
        "\"summary\":\"Status: RECRUITING \u2192 \\\"ACTIVE_NOT_RECRUITING\\\"\",\"source\":\"config\"}");

  event.type = trialwatch::core::EventType::study_removed;
  event.version.reset();
  event.path.clear();
  event.old_json.clear();
  event.new_json.clear();
  const auto json = trialwatch::store::event_json(event);
  CHECK_THAT(json, Catch::Contains(R"("version":null)") && Catch::Contains(R"("path":null)") &&
                       Catch::Contains(R"("old":null,"new":null)"));
}
