// SPDX-License-Identifier: MIT
#pragma once

#include "store/stored_event.hpp"

#include <string>

namespace trialwatch::store {

// Return `event` as the event object of docs/events.md on one line: id, nct_id, type, detected_at, data_timestamp,
// version, provenance, path, old, new, summary, source. `old` and `new` are JSON values; absent ones are null.
std::string event_json(const StoredEvent& event);

}  // namespace trialwatch::store
