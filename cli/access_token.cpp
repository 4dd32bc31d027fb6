// SPDX-License-Identifier: MIT
#include "cli/access_token.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace trialwatch::cli {

namespace {

// Say whether `a` and `b` are equal, taking the same time whatever bytes differ (only their lengths leak).
bool same_secret(std::string_view a, std::string_view b) {
  if (b.empty()) return false;
  unsigned difference = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i % b.size()]);
  return difference == 0;
}

// Return the value of base64 digit `c` (RFC 4648), or -1.
int digit_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decode base64 `text` (padding optional); nothing when it holds anything else.
std::optional<std::string> unbase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    const int value = digit_value(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xffu));
    }
  }
  return out;
}

// Return the credentials after `scheme` and white space when `header` starts with it (case-insensitive).
std::optional<std::string_view> after_scheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), header.begin(),
                  [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                  }) ||
      header[scheme.size()] != ' ')
    return std::nullopt;
  header.remove_prefix(scheme.size());
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  return header;
}

}  // namespace

bool carries_token(std::string_view authorization, std::string_view token) {
  if (const auto bearer = after_scheme(authorization, "Bearer")) return same_secret(*bearer, token);
  if (const auto basic = after_scheme(authorization, "Basic")) {
    const auto decoded = unbase64(*basic);
    if (!decoded) return false;
    const std::size_t colon = decoded->find(':');
    return colon != std::string::npos && same_secret(std::string_view(*decoded).substr(colon + 1), token);
  }
  return false;
}

}  // namespace trialwatch::cli
