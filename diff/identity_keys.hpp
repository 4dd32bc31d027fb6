// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::diff {

// How the elements of one JSON array are matched between two versions of a study.
struct ArrayRule {
  // The matching strategy.
  enum class Kind {
    keyed,    // records matched by identity key (one inserted site is one change, not dozens)
    set,      // order carries no meaning: only additions and removals count
    ordered,  // matched by position
  };
  Kind kind = Kind::ordered;
  // For keyed arrays: the fields that make the key, in order; "a|b" means a, else b.
  std::vector<std::string_view> key_fields;
};

// Return the rule for the array at `pattern` (a dotted path without keys, e.g.
// "protocolSection.contactsLocationsModule.locations"). Arrays not in the table are sets when their elements
// are scalars (`scalar_elements`) and ordered otherwise.
ArrayRule array_rule(std::string_view pattern, bool scalar_elements);

// Return every path the identity-key table knows, for documentation and tests.
std::vector<std::string_view> known_array_paths();

}  // namespace trialwatch::diff
