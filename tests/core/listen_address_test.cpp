// SPDX-License-Identifier: MIT
#include "core/listen_address.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::is_loopback;
using trialwatch::core::parse_listen_address;

TEST_CASE("a listen address is HOST:PORT or [IPv6]:PORT with a port from 0 to 65535", "[core][listen]") {
  const auto v4 = parse_listen_address("127.0.0.1:8470");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 8470);
  const auto v6 = parse_listen_address("[::1]:0");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
  CHECK(v6->str() == "[::1]:0");
  CHECK(parse_listen_address("localhost:65535")->str() == "localhost:65535");
  for (const char* bad : {"", "8470", "localhost", "localhost:", ":80", "::1:80", "[::1]80", "[zz]:80", "a b:80",
                          "127.0.0.1:65536", "127.0.0.1:+80", "127.0.0.1:0x50", "127.0.0.1:000080"})
    CHECK_FALSE(parse_listen_address(bad));
}

TEST_CASE("loopback is 127.0.0.0/8, ::1 and localhost, nothing else", "[core][listen]") {
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LocalHost"})
    CHECK(is_loopback(host));
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "192.168.1.1", "example.org", "localhost.evil",
                           "::2", "::ffff:10.0.0.1", ""})
    CHECK_FALSE(is_loopback(host));
}
