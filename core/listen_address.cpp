// SPDX-License-Identifier: MIT
#include "core/listen_address.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <charconv>

namespace trialwatch::core {

namespace {

// Say whether `text` is an IPv6 address as inet_pton reads it; fill `out` (network order) when it is.
bool parse_ipv6(const std::string& text, std::array<unsigned char, 16>& out) {
  return ::inet_pton(AF_INET6, text.c_str(), out.data()) == 1;
}

// Say whether `host` is a name or an IPv4 address: letters, digits, dots, hyphens and underscores.
bool is_plain_host(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
  });
}

}  // namespace

std::string ListenAddress::str() const {
  const std::string port_text = std::to_string(port);
  return host.find(':') != std::string::npos ? "[" + host + "]:" + port_text : host + ":" + port_text;
}

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  int port = -1;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || port_text.size() > 5 || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535)
    return std::nullopt;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    std::array<unsigned char, 16> address{};
    if (!parse_ipv6(std::string(host), address)) return std::nullopt;
  } else if (!is_plain_host(host)) {
    return std::nullopt;  // an IPv6 address needs its brackets
  }
  return ListenAddress{std::string(host), port};
}

bool is_loopback(std::string_view host) {
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost") return true;
  std::array<unsigned char, 4> v4{};
  if (::inet_pton(AF_INET, lower.c_str(), v4.data()) == 1) return v4[0] == 127;
  std::array<unsigned char, 16> v6{};
  if (!parse_ipv6(lower, v6)) return false;
  const auto zeros = [&](std::size_t count) {
    return std::all_of(v6.begin(), v6.begin() + count, [](auto b) { return b == 0; });
  };
  if (zeros(15) && v6[15] == 1) return true;                              // ::1
  return zeros(10) && v6[10] == 0xff && v6[11] == 0xff && v6[12] == 127;  // ::ffff:127.x.y.z
}

}  // namespace trialwatch::core
