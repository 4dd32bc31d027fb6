// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::core {

// Return `items` with `separator` between each two, e.g. join({"a", "b"}, "; ") == "a; b".
std::string join(const std::vector<std::string>& items, std::string_view separator);

// Return the text `text_of` gives for each of `items`, with `separator` between each two.
template <typename Items, typename TextOf>
std::string join(const Items& items, std::string_view separator, TextOf&& text_of) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    first = false;
    out += text_of(item);
  }
  return out;
}

// Return `count` with the noun it counts: counted(1, "study", "studies") == "1 study", and "0 studies".
std::string counted(std::size_t count, std::string_view singular, std::string_view plural);

// Return `bytes` in base64 (RFC 4648, with padding).
std::string base64(std::string_view bytes);

// Return `text` without the JSON white space (space, tab, CR, LF) at its end.
std::string_view trim_json_space_right(std::string_view text) noexcept;

}  // namespace trialwatch::core
