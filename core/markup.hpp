// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace trialwatch::core {

// Return `text` safe inside HTML or XML character data and quoted attribute values: & < > " ' escaped, and the
// control characters XML 1.0 forbids (all below U+0020 but tab, line feed and carriage return) dropped.
std::string escape_markup(std::string_view text);

}  // namespace trialwatch::core
