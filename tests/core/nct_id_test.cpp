// SPDX-License-Identifier: MIT
#include "core/nct_id.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::Error;
using trialwatch::core::NctId;

TEST_CASE("NCT IDs are normalised in case and surrounding space only", "[core][nct_id]") {
  auto [input, canonical] = GENERATE(table<std::string, std::string>({
      {"NCT06613490", "NCT06613490"},
      {"nct06613490", "NCT06613490"},
      {"Nct06613490", "NCT06613490"},
      {" NCT06613490\n", "NCT06613490"},
      {"\tnct00000001 ", "NCT00000001"},
      {"NCT99999999", "NCT99999999"},
  }));
  auto id = NctId::parse(input);
  REQUIRE(id.has_value());
  CHECK(id->str() == canonical);
  CHECK(id->number() == std::stoul(canonical.substr(3)));
}

TEST_CASE("malformed NCT IDs are rejected with a sentence that shows the expected form", "[core][nct_id]") {
  auto input = GENERATE(as<std::string>{}, "", "NCT", "NCT00000000", "NCT123456789", "NCT0612a490", "XYZ06613490",
                        "06613490", "NCT 06613490", "NCT-6613490", "NCT+1", "NCT1", "nct6613490", "NCT0006613490",
                        "NCT066134900", "NCT0661349", std::string(100, '1'));
  auto id = NctId::parse(input);
  REQUIRE_FALSE(id.has_value());
  CHECK(id.error().code == Error::Code::invalid_input);
  CHECK_THAT(id.error().message, Catch::Contains("NCT06613490"));
}

TEST_CASE("two spellings of one study compare equal", "[core][nct_id]") {
  CHECK(*NctId::parse("nct06613490") == *NctId::parse(" NCT06613490"));
  CHECK(*NctId::parse("NCT06613490") < *NctId::parse("NCT07315503"));
}

TEST_CASE("a typo in the digits is named, never padded into another trial", "[core][nct_id]") {
  auto [input, why] = GENERATE(table<std::string, std::string>({
      {"NCT066134900", "it has 9 digits"},
      {"NCT0661349", "it has 7 digits"},
      {"NCT06613A90", "only digits may follow NCT"},
      {"NTC06613490", "does not start with NCT"},
  }));
  const auto id = NctId::parse(input);
  REQUIRE_FALSE(id.has_value());
  CHECK_THAT(id.error().message, Catch::StartsWith("'" + input + "' is not an NCT number") && Catch::Contains(why));
}
