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
