// SPDX-License-Identifier: MIT
// The old/new values of changes and events, read for people and the timeline.
#include "diff/json_values.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using trialwatch::diff::flat_json_object;
using trialwatch::diff::json_string_value;

TEST_CASE("a JSON string value is its text with every escape decoded", "[diff][json_values]") {
  CHECK(json_string_value("\"RECRUITING\"") == "RECRUITING");
  CHECK(json_string_value("\"\"") == "");
  CHECK(json_string_value(R"("a\"b\\c\nd\u00e9\ud83d\ude00")") == "a\"b\\c\nd\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(json_string_value(R"("\u001b[2J")") == "\x1b[2J");  // decoded here; every output escapes it for its context
  CHECK(json_string_value(" \"spaced\" ") == "spaced");
}

TEST_CASE("anything but one JSON string is no string value", "[diff][json_values]") {
  for (const char* json : {"", "24", "null", "true", "{\"a\":\"b\"}", "[\"a\"]", "\"unterminated", "\"a\" \"b\"",
                           "\"bad \\q escape\"", "\"lone \\ud800 surrogate\""}) {
    CAPTURE(json);
    CHECK_FALSE(json_string_value(json).has_value());
  }
}

TEST_CASE("a flat JSON object gives its members, strings as text and the rest as JSON", "[diff][json_values]") {
  using Members = std::map<std::string, std::string>;
  CHECK(flat_json_object(R"({"date":"2026-03","type":"ESTIMATED"})") ==
        Members{{"date", "2026-03"}, {"type", "ESTIMATED"}});
  CHECK(flat_json_object(R"({"count":24,"type":"ESTIMATED"})") == Members{{"count", "24"}, {"type", "ESTIMATED"}});
  CHECK(flat_json_object(R"({"a":true,"b":null,"c":-1.5,"d":"\u00e9"})") ==
        Members{{"a", "true"}, {"b", "null"}, {"c", "-1.5"}, {"d", "\xc3\xa9"}});
  CHECK(flat_json_object("{}") == Members{});
  for (const char* json : {"", "\"x\"", "[1]", R"({"a":{"b":1}})", R"({"a":[1]})", "{\"a\":", "{} {}"}) {
    CAPTURE(json);
    CHECK_FALSE(flat_json_object(json).has_value());
  }
}
