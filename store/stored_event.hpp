// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"

#include <optional>
#include <string>

namespace trialwatch::store {

// A change event as stored (the event object of docs/events.md).
struct StoredEvent {
  std::string id;
  std::string nct_id;
  core::EventType type;
  std::string detected_at;
  std::string data_timestamp;
  std::optional<int> version;
  core::Provenance provenance;
  std::string path;
  std::string old_json;
  std::string new_json;
  std::string summary;
  std::string source;
  std::optional<int> registry_version;  // provenance registry_history: the registry's own version number
  std::string posted_date;              // provenance registry_history: the day that version was posted (the web
                                        // fills it for sponsor updates too, to date them on the registry's timeline)
};

}  // namespace trialwatch::store
