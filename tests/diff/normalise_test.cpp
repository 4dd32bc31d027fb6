// SPDX-License-Identifier: MIT
#include "diff/normalise.hpp"

#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

using trialwatch::core::Error;
using trialwatch::diff::hash128_hex;
using trialwatch::diff::normalise;
using trialwatch::diff::NormalisedStudy;
using trialwatch::testing::read_test_file;

namespace {

// Return `json` with all whitespace outside strings removed (a deliberately independent minifier).
std::string minify(std::string_view json) {
  std::string out;
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      out.push_back(c);
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out.push_back(c);
    }
  }
  return out;
}

// Replace the single occurrence of `from` in `text` by `to`; fail the test if it is not there exactly once.
std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

NormalisedStudy must_normalise(std::string_view json) {
  auto result = normalise(json);
  if (!result) FAIL(result.error().message);
  return *result;
}

std::string canonical_of(std::string_view json) { return must_normalise(json).canonical; }

}  // namespace

TEST_CASE("a versionHolder-only difference gives the same hash", "[diff][normalise]") {
  const auto original = read_test_file("ctgov/studies/NCT00763412.json");
  const auto refreshed = replace_once(original, R"("versionHolder": "2024-01-03")", R"("versionHolder": "2026-08-19")");
  REQUIRE(refreshed != original);
  const auto a = must_normalise(original);
  const auto b = must_normalise(refreshed);
  CHECK(a.hash == b.hash);
  CHECK(a.canonical == b.canonical);
  CHECK(a.canonical.find("versionHolder") == std::string::npos);
  CHECK(a.canonical.find(R"("miscInfoModule":{"modelPredictions")") != std::string::npos);  // siblings stay
}

TEST_CASE("a real change to the study gives a different hash", "[diff][normalise]") {
  const auto original = read_test_file("ctgov/studies/NCT00763412.json");
  const auto terminated = replace_once(original, R"("overallStatus": "COMPLETED")", R"("overallStatus": "TERMINATED")");
  const auto a = must_normalise(original);
  const auto b = must_normalise(terminated);
  CHECK(a.hash != b.hash);
  CHECK(b.canonical.find(R"("overallStatus":"TERMINATED")") != std::string::npos);
}

TEST_CASE("pretty-printing and minifying do not change the hash", "[diff][normalise]") {
  const auto pretty = read_test_file("ctgov/studies/NCT02552212.v2023-12-12.json");
  const auto minified = minify(pretty);
  REQUIRE(minified.size() < pretty.size());
  const auto a = must_normalise(pretty);
  const auto b = must_normalise(minified);
  CHECK(a.hash == b.hash);
  CHECK(a.canonical == b.canonical);
}

TEST_CASE("normalising a canonical text changes nothing", "[diff][normalise]") {
  auto file = GENERATE(as<std::string>{}, "ctgov/studies/NCT00763412.json",
                       "ctgov/studies/NCT02552212.v2024-01-03.json", "ctgov/studies/NCT04280705.v2026-08-19.json");
  CAPTURE(file);
  const auto once = must_normalise(read_test_file(file));
  const auto twice = must_normalise(once.canonical);
  CHECK(twice == once);
}

TEST_CASE("the versionHolder member is removed with its comma, and nothing else", "[diff][normalise]") {
  CHECK(canonical_of(R"({"derivedSection":{"miscInfoModule":{"versionHolder":"2024-01-03","x":1}}})") ==
        R"({"derivedSection":{"miscInfoModule":{"x":1}}})");
  CHECK(canonical_of(R"({"derivedSection":{"miscInfoModule":{"x":1,"versionHolder":"2024-01-03"}}})") ==
        R"({"derivedSection":{"miscInfoModule":{"x":1}}})");
  CHECK(canonical_of(R"({"derivedSection":{"miscInfoModule":{"versionHolder":"2024-01-03"}}})") ==
        R"({"derivedSection":{"miscInfoModule":{}}})");
  // The same words inside a string value are text, not the member: their quotes are escaped.
  CHECK(canonical_of(R"({"note":"\"versionHolder\":\"x\"","derivedSection":{}})") ==
        R"({"note":"\"versionHolder\":\"x\"","derivedSection":{}})");
  const auto real = must_normalise(read_test_file("ctgov/studies/NCT00763412.json"));
  CHECK(real.canonical.find("versionHolder") == std::string::npos);
  CHECK(real.canonical.find("\"miscInfoModule\":{") != std::string::npos);
}

TEST_CASE("one Normaliser gives each document what normalise() gives it, whatever came before", "[diff][normalise]") {
  // Big, small, invalid, then big again: a reused buffer must never leak bytes of an earlier, longer document.
  const std::vector<std::string> documents{
      read_test_file("ctgov/studies/NCT04280705.v2026-08-19.json"),
      R"({"derivedSection":{"miscInfoModule":{"versionHolder":"2024-01-03","x":1}}})",
      "{\"s\":\"\xff\"}",
      read_test_file("ctgov/studies/NCT00763412.json"),
      R"({ "a" : 1 })",
  };
  trialwatch::diff::Normaliser normaliser;
  for (const auto& document : documents) {
    CAPTURE(document.substr(0, 60));
    const auto expected = normalise(document);
    const auto hash = normaliser.hash(document);
    REQUIRE(hash.has_value() == expected.has_value());
    if (!expected) {
      CHECK(hash.error().message == expected.error().message);
      continue;
    }
    CHECK(*hash == expected->hash);
    CHECK(normaliser.canonical() == expected->canonical);
  }
}

TEST_CASE("keys keep their document order", "[diff][normalise]") {
  CHECK(canonical_of(R"({ "b" : 1, "a" : [ true, false, null ] })") == R"({"b":1,"a":[true,false,null]})");
}

TEST_CASE("only white space outside strings is canonicalised and values stay byte for byte", "[diff][normalise]") {
  auto [input, canonical] = GENERATE(table<std::string, std::string>({
      {"{ \"s\" : \"a b\\tc\" ,\n \"n\" : 1.50 }", R"({"s":"a b\tc","n":1.50})"},
      {R"({"s":"caf\u00e9"})", R"({"s":"caf\u00e9"})"},
      {"{\"s\":\"caf\xc3\xa9\"}", "{\"s\":\"caf\xc3\xa9\"}"},
      {R"({"n":18446744073709551615})", R"({"n":18446744073709551615})"},
  }));
  CAPTURE(input);
  CHECK(canonical_of(input) == canonical);
}

TEST_CASE("a document that is not a JSON object is rejected with one sentence", "[diff][normalise]") {
  // Structural errors inside an object ({"a":}) are the caller's to catch: the sync cycle parses every document
  // page strictly (fetch/study_page.cpp) before normalising its studies.
  auto input = GENERATE(as<std::string>{}, "", "{", R"({"a":1} trailing)", "<html>blocked</html>",
                        R"({"a":"unterminated)", "[1,2]", R"("text")", "\xff\xfe{}", "{\"s\":\"\xff\xfe\"}");
  CAPTURE(input);
  const auto result = normalise(input);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Error::Code::unreadable);
  CHECK_THAT(result.error().message, Catch::StartsWith("the study document is"));
}

TEST_CASE("a truncated real document is rejected", "[diff][normalise]") {
  const auto full = read_test_file("ctgov/studies/NCT00763412.json");
  const auto result = normalise(std::string_view(full).substr(0, full.size() / 2));
  REQUIRE_FALSE(result.has_value());
  CHECK_THAT(result.error().message, Catch::StartsWith("the study document is"));
}

TEST_CASE("the hash is MurmurHash3 x64-128 as 32 lowercase hex digits", "[diff][normalise]") {
  CHECK(hash128_hex("") == std::string(32, '0'));
  // h1 = -3758069500696749310, h2 = 6565844092913065241 as published with nim-lang's murmurhash tests.
  CHECK(hash128_hex("hello") == "cbd8a7b341bd9b025b1e906a48ae1d19");
  // Every tail length, and whole blocks, give distinct hashes.
  std::set<std::string> seen;
  std::string text;
  for (int i = 0; i < 40; ++i) {
    seen.insert(hash128_hex(text));
    text.push_back(static_cast<char>('a' + i % 26));
  }
  CHECK(seen.size() == 40);
  CHECK(hash128_hex("12345678").substr(16) != hash128_hex("12345679").substr(16));
}
