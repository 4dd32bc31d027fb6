// SPDX-License-Identifier: MIT
#pragma once

#include "core/nct_id.hpp"

#include <stdexcept>
#include <string_view>

namespace trialwatch::report {

// A parameter that says nothing valid (a bad --since, an unknown event type, a malformed NCT ID, a version that does
// not exist): the CLI's usage error (exit 64), the web's 400 page. The message is one sentence.
class BadParameter : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Return `text` as a canonical NCT ID, or throw BadParameter with a sentence saying what is wrong (what was typed in
// it escaped for a terminal).
core::NctId parse_id(std::string_view text);

}  // namespace trialwatch::report
