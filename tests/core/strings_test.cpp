// SPDX-License-Identifier: MIT
#include "core/strings.hpp"

#include "core/json_text.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::join;
using trialwatch::core::json_string_array;

TEST_CASE("join puts the separator between items, also around empty ones", "[core][strings]") {
  CHECK(join({}, "; ").empty());
  CHECK(join({"a"}, "; ") == "a");
  CHECK(join({"a", "b", "c"}, "; ") == "a; b; c");
  CHECK(join({"", "b"}, "\n") == "\nb");
}

TEST_CASE("a list of strings becomes a JSON array with each string escaped", "[core][strings]") {
  CHECK(json_string_array({}) == "[]");
  CHECK(json_string_array({"shares condition \"RA\"", "both\nDRUG"}) == R"(["shares condition \"RA\"","both\nDRUG"])");
}

TEST_CASE("JSON white space is trimmed from the end only", "[core][strings]") {
  CHECK(trialwatch::core::trim_json_space_right("{\"a\":1} \n\r\t") == "{\"a\":1}");
  CHECK(trialwatch::core::trim_json_space_right(" x") == " x");
  CHECK(trialwatch::core::trim_json_space_right("  ").empty());
}

TEST_CASE("a JSON string literal is valid JSON whatever bytes it quotes", "[core][json]") {
  using trialwatch::core::json_quote;
  CHECK(json_quote(std::string("nul\0bell\x07", 9)) == R"("nul\u0000bell\u0007")");
  CHECK(json_quote("bad \xff byte") == "\"bad \xEF\xBF\xBD byte\"");
  CHECK(json_quote("Étude") == "\"Étude\"");
}

TEST_CASE("join takes each item's text from a projection", "[core][strings]") {
  const std::vector<int> numbers{1, 2, 3};
  CHECK(trialwatch::core::join(numbers, "+", [](int n) { return std::to_string(n * 2); }) == "2+4+6");
  CHECK(trialwatch::core::join(std::vector<int>{}, "+", [](int n) { return std::to_string(n); }).empty());
}

TEST_CASE("base64 follows RFC 4648's test vectors", "[core][strings]") {
  using trialwatch::core::base64;
  CHECK(base64("").empty());
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foob") == "Zm9vYg==");
  CHECK(base64("fooba") == "Zm9vYmE=");
  CHECK(base64("foobar") == "Zm9vYmFy");
}
