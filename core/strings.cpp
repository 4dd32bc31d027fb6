// SPDX-License-Identifier: MIT
#include "core/strings.hpp"

namespace trialwatch::core {

std::string counted(std::size_t count, std::string_view singular, std::string_view plural) {
  std::string text = std::to_string(count);
  text += ' ';
  text += count == 1 ? singular : plural;
  return text;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  return join(items, separator, [](const std::string& item) -> const std::string& { return item; });
}

std::string base64(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto at = [&](std::size_t k) { return k < bytes.size() ? static_cast<unsigned char>(bytes[k]) : 0u; };
    const unsigned group = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += k_alphabet[(group >> 18) & 63];
    out += k_alphabet[(group >> 12) & 63];
    out += i + 1 < bytes.size() ? k_alphabet[(group >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? k_alphabet[group & 63] : '=';
  }
  return out;
}

std::string_view trim_json_space_right(std::string_view text) noexcept {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace trialwatch::core
