// SPDX-License-Identifier: MIT
// The copies a delta frame is built from: applied to the reference they must rebuild the target exactly, and for a
// small edit of a real record they must leave almost nothing as literals. And the frames VersionCodec makes of them.
#include "store/detail/delta_copies.hpp"

#include "store/detail/version_codec.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using trialwatch::store::detail::Copy;
using trialwatch::store::detail::CopyFinder;

namespace {

// What a zstd decoder does with `copies`: literals from the target, then bytes from `distance` back in
// reference + output, one at a time (a copy may overlap its own output). Also count the literal bytes.
std::string apply(const std::string& reference, const std::string& target, const std::vector<Copy>& copies,
                  std::size_t& literal_bytes) {
  std::string text = reference;
  std::size_t at = 0;  // position in the target
  literal_bytes = 0;
  for (const auto& copy : copies) {
    REQUIRE(copy.length >= CopyFinder::k_min_copy);
    REQUIRE(at + copy.literals <= target.size());
    text.append(target, at, copy.literals);
    at += copy.literals;
    literal_bytes += copy.literals;
    REQUIRE(copy.distance >= 1);
    REQUIRE(copy.distance <= text.size());
    for (std::uint32_t i = 0; i < copy.length; ++i) text.push_back(text[text.size() - copy.distance]);
    at += copy.length;
  }
  REQUIRE(at <= target.size());
  literal_bytes += target.size() - at;
  text.append(target, at);
  return text.substr(reference.size());
}

std::string with_replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("copies rebuild the target exactly, whatever the edit", "[store][delta]") {
  const std::string record = trialwatch::testing::read_test_file("ctgov/studies/NCT00763412.json");
  const std::string site = R"({"facility":"Bench Hospital","city":"Nanjing","country":"China"},)";
  struct Case {
    const char* name;
    std::string reference;
    std::string target;
    std::size_t most_literals;  // what a good delta leaves as literals
  };
  const std::vector<Case> cases{
      {"unchanged", record, record, 0},
      {"one value replaced", record, with_replaced(record, "\"COMPLETED\"", "\"TERMINATED\""), 16},
      {"a record inserted", record, with_replaced(record, "\"locations\": [", "\"locations\": [" + site),
       site.size() + 16},
      {"a member removed", record, with_replaced(record, "\"overallStatus\": \"COMPLETED\",", ""), 16},
      {"edits at both ends", record, "{\"x\":1," + record.substr(1, record.size() - 2) + ",\"y\":2}", 32},
      {"a block moved", record, record.substr(record.size() / 2) + record.substr(0, record.size() / 2), 16},
      {"unrelated texts", "abcdefghijklmnopqrstuvwxyz0123456789", "9876543210zyxwvutsrqponmlkjihgfedcba", 36},
      {"a reference too short to index", "short", record.substr(0, 100), 100},
      {"a target shorter than a copy", record, "{\"a\":1}", 7},
      {"a repeat within the target", "0123456789abcdef", std::string(64, 'x') + "0123456789abcdef0123456789abcdef", 64},
  };
  CopyFinder finder;  // one finder for every case: its index must not carry anything over
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto& copies = finder.find(c.reference, c.target);
    std::size_t literal_bytes = 0;
    CHECK(apply(c.reference, c.target, copies, literal_bytes) == c.target);
    CHECK(literal_bytes <= c.most_literals);
  }
}

TEST_CASE("a delta stays small for an edit and for a version that brings much new text", "[store][delta]") {
  const std::string record = trialwatch::testing::read_test_file("ctgov/studies/NCT00763412.json");
  const std::string results = trialwatch::testing::read_test_file("ctgov/studies/NCT04267848.json");
  trialwatch::store::detail::VersionCodec codec;

  const std::string edited = with_replaced(record, "\"COMPLETED\"", "\"TERMINATED\"");
  const std::string edit_frame = codec.encode(edited, record);
  CHECK(codec.decode(edit_frame, record, "the edit") == edited);
  CHECK(edit_frame.size() < 200);

  // 369 KB of new JSON: copies alone would leave it as entropy-coded literals (over half its size); matched within
  // itself it compresses several times over.
  const std::string grown =
      with_replaced(record, "\"protocolSection\": {", "\"resultsSection\": " + results + ", \"protocolSection\": {");
  const std::string grown_frame = codec.encode(grown, record);
  CHECK(codec.decode(grown_frame, record, "the grown version") == grown);
  CHECK(grown_frame.size() < results.size() / 4);
}
