// SPDX-License-Identifier: MIT
#include "core/strings.hpp"

namespace trialwatch::core {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  return join(items, separator, [](const std::string& item) -> const std::string& { return item; });
}

std::string_view trim_json_space_right(std::string_view text) noexcept {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace trialwatch::core
