// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::core {

// Return `items` with `separator` between each two, e.g. join({"a", "b"}, "; ") == "a; b".
std::string join(const std::vector<std::string>& items, std::string_view separator);

// Return `text` without the JSON white space (space, tab, CR, LF) at its end.
std::string_view trim_json_space_right(std::string_view text) noexcept;

}  // namespace trialwatch::core
