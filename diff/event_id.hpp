// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"

#include <string>
#include <string_view>

namespace trialwatch::diff {

// Return the stable id of an event: a hash of the study, the version hashes it lies between, its type and path,
// so the same change always gets the same id and a re-run cannot store it twice.
std::string event_id(std::string_view nct_id, std::string_view from_hash, std::string_view to_hash,
                     core::EventType type, std::string_view path);

}  // namespace trialwatch::diff
