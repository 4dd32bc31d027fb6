// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"

#include <string>
#include <string_view>

namespace trialwatch::diff {

// Return the stable id of an event, 32 hex digits: the eight digits of `nct_id` (a valid NCT ID), then 96 bits of a
// hash of the study, the version hashes it lies between, its type and path. The same change always gets the same
// id, so a re-run cannot store it twice; one study's ids sort together, so a cycle that stores studies in order
// writes few pages of the id index.
std::string event_id(std::string_view nct_id, std::string_view from_hash, std::string_view to_hash,
                     core::EventType type, std::string_view path);

}  // namespace trialwatch::diff
