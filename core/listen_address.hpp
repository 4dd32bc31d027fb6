// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::core {

// A TCP address to listen on, written "HOST:PORT" or "[IPv6]:PORT" ([web] listen, trialwatch serve --listen).
struct ListenAddress {
  std::string host;  // a name, an IPv4 address or an IPv6 address (without its brackets)
  int port = 0;      // 0 to 65535; 0 = any free port

  // Return the address as written: "HOST:PORT", or "[HOST]:PORT" for an IPv6 address.
  std::string str() const;
};

// Parse "HOST:PORT" or "[IPv6]:PORT" with a port from 0 to 65535; nothing when malformed.
std::optional<ListenAddress> parse_listen_address(std::string_view text);

// Say whether `host` is a loopback address: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or "localhost".
bool is_loopback(std::string_view host);

}  // namespace trialwatch::core
