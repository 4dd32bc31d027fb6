// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/json.hpp"

#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using trialwatch::fakeregistry::Json;
using trialwatch::fakeregistry::JsonError;

TEST_CASE("every recorded study survives a parse and dump round trip", "[fakeregistry][json]") {
  for (const auto& entry :
       std::filesystem::directory_iterator(trialwatch::testing::test_data_dir() / "ctgov/studies")) {
    INFO(entry.path().filename().string());
    const Json parsed = Json::parse(trialwatch::testing::read_file(entry.path()));
    const Json reparsed = Json::parse(parsed.dump());
    CHECK(parsed == reparsed);
    CHECK(parsed.at_path("protocolSection.identificationModule.nctId") != nullptr);
  }
}

TEST_CASE("a minified document as served comes back byte for byte", "[fakeregistry][json]") {
  // NCT04267848.json is a raw, minified API body; NCT06927986.json has CJK punctuation and markdown escapes.
  for (const char* name : {"ctgov/studies/NCT04267848.json", "ctgov/studies/NCT06927986.json"}) {
    INFO(name);
    std::string raw = trialwatch::testing::read_test_file(name);
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.pop_back();
    CHECK(Json::parse(raw).dump() == raw);
  }
}

TEST_CASE("numbers keep their text and strings their escapes", "[fakeregistry][json]") {
  const Json value = Json::parse(R"({"lat":40.71280,"big":99999999,"e":-1.5E+3,"s":"a\"b\\c\n\u00e9\ud83d\ude00"})");
  CHECK(value.find("lat")->text() == "40.71280");
  CHECK(value.find("e")->text() == "-1.5E+3");
  CHECK(value.find("s")->text() == "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(value.dump() ==
        "{\"lat\":40.71280,\"big\":99999999,\"e\":-1.5E+3,\"s\":\"a\\\"b\\\\c\\n\xc3\xa9\xf0\x9f\x98\x80\"}");
}

TEST_CASE("malformed JSON is rejected with the offset of the problem", "[fakeregistry][json]") {
  auto text = GENERATE(as<std::string>{}, "", "{", "{\"a\":}", "[1,]", "{\"a\":1}x", "\"unterminated", "tru", "01x",
                       "{\"a\" 1}", "\"\\q\"", "\"\\ud800\"");
  INFO(text);
  CHECK_THROWS_AS(Json::parse(text), JsonError);
}

TEST_CASE("a raw string is dumped exactly as given, so a record can hold what parsers refuse", "[fakeregistry][json]") {
  Json study = Json::parse(R"({"title":"x"})");
  study.set("title", Json::raw_string(R"(Poison \ud800 record)"));
  CHECK(study.dump() == R"({"title":"Poison \ud800 record"})");
  CHECK(study.find("title")->text() == R"(Poison \ud800 record)");
  CHECK_THROWS_WITH(Json::parse(study.dump()), Catch::Contains("lone high surrogate"));
  CHECK_FALSE(Json::raw_string("a") == Json::string("a"));
  CHECK(Json::raw_string(R"(caf\u00e9)").dump() == R"("caf\u00e9")");
}

TEST_CASE("documents nested deeper than 256 levels are refused", "[fakeregistry][json]") {
  CHECK_NOTHROW(Json::parse(std::string(200, '[') + std::string(200, ']')));
  CHECK_THROWS_WITH(Json::parse(std::string(300, '[') + std::string(300, ']')), Catch::Contains("nested too deeply"));
}

TEST_CASE("paths can be followed, created and edited in place", "[fakeregistry][json]") {
  Json study = Json::parse(R"({"protocolSection":{"statusModule":{"overallStatus":"RECRUITING"}}})");
  study.ensure_path("protocolSection.statusModule").set("overallStatus", Json::string("COMPLETED"));
  study.ensure_path("derivedSection.miscInfoModule").set("versionHolder", Json::string("2026-11-24"));
  CHECK(
      study.dump() ==
      R"({"protocolSection":{"statusModule":{"overallStatus":"COMPLETED"}},"derivedSection":{"miscInfoModule":{"versionHolder":"2026-11-24"}}})");
  CHECK(study.erase("derivedSection"));
  CHECK_FALSE(study.erase("derivedSection"));
  CHECK(study.at_path("protocolSection.nothing") == nullptr);
}

TEST_CASE("same_content ignores member order but not values", "[fakeregistry][json]") {
  CHECK(Json::same_content(Json::parse(R"({"a":1,"b":[1,{"x":2,"y":3}]})"),
                           Json::parse(R"({"b":[1,{"y":3,"x":2}],"a":1})")));
  CHECK_FALSE(Json::same_content(Json::parse(R"({"a":1,"b":[1,2]})"), Json::parse(R"({"a":1,"b":[2,1]})")));
  CHECK_FALSE(Json::same_content(Json::parse(R"({"a":1})"), Json::parse(R"({"a":1,"b":2})")));
}
