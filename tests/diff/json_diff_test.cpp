// SPDX-License-Identifier: MIT
#include "diff/json_diff.hpp"

#include "diff/identity_keys.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::FieldChange;
using trialwatch::diff::StudyDiffer;

namespace {

std::vector<FieldChange> diff(const std::string& a, const std::string& b) {
  StudyDiffer differ;
  auto result = differ.diff(a, b);
  REQUIRE(result.has_value());
  return *result;
}

}  // namespace

TEST_CASE("objects compare by key, reporting add, remove and replace with JSON values", "[diff][json_diff]") {
  const auto changes = diff(R"({"a":1,"b":{"c":"x","d":true}})", R"({"b":{"c":"y","e":null},"a":1})");
  REQUIRE(changes.size() == 3);
  CHECK(changes[0] == FieldChange{FieldChange::Op::replace, "b.c", "\"x\"", "\"y\""});
  CHECK(changes[1] == FieldChange{FieldChange::Op::remove, "b.d", "true", ""});
  CHECK(changes[2] == FieldChange{FieldChange::Op::add, "b.e", "", "null"});
}

TEST_CASE("a record whose thousands of members are reordered pairs every member by key", "[diff][json_diff]") {
  // A fuzzed record like this once took the differ 25 s (each member looked up by a scan); now members are indexed.
  std::string before = "{", after = "{";
  constexpr int members = 20000;
  for (int i = 0; i < members; ++i) before += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  for (int i = members - 1; i >= 0; --i)
    after += "\"k" + std::to_string(i) + (i == 7 ? "\":1" : "\":0") + (i ? "," : "");
  before += ",\"gone\":true}";
  after += ",\"new\":true}";
  const auto changes = diff(before, after);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0] == FieldChange{FieldChange::Op::replace, "k7", "0", "1"});
  CHECK(changes[1] == FieldChange{FieldChange::Op::remove, "gone", "true", ""});
  CHECK(changes[2] == FieldChange{FieldChange::Op::add, "new", "", "true"});
}

TEST_CASE("of a repeated member the first counts, in either order", "[diff][json_diff]") {
  CHECK(diff(R"({"a":1,"b":2,"b":2})", R"({"b":2,"a":1})").empty());
  const auto changes = diff(R"({"a":1,"b":2})", R"({"b":5,"b":2,"a":1})");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == FieldChange{FieldChange::Op::replace, "b", "2", "5"});
}

TEST_CASE("set-like arrays ignore order but count duplicates", "[diff][json_diff]") {
  const std::string before = R"({"protocolSection":{"conditionsModule":{"conditions":["Lupus","Myositis","RA"]}}})";
  CHECK(diff(before, R"({"protocolSection":{"conditionsModule":{"conditions":["RA","Lupus","Myositis"]}}})").empty());
  const auto changes =
      diff(before, R"({"protocolSection":{"conditionsModule":{"conditions":["RA","Lupus","Lupus"]}}})");
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == FieldChange{FieldChange::Op::remove, "protocolSection.conditionsModule.conditions[Myositis]",
                                  "\"Myositis\"", ""});
  CHECK(changes[1] ==
        FieldChange{FieldChange::Op::add, "protocolSection.conditionsModule.conditions[Lupus]", "", "\"Lupus\""});
}

TEST_CASE("records with the same identity key are matched wherever they stand", "[diff][json_diff]") {
  const std::string before =
      R"({"protocolSection":{"armsInterventionsModule":{"interventions":[{"type":"DRUG","name":"A","description":"x"},{"type":"DRUG","name":"B"}]}}})";
  const std::string after =
      R"({"protocolSection":{"armsInterventionsModule":{"interventions":[{"type":"DRUG","name":"B"},{"type":"DRUG","name":"A","description":"y"}]}}})";
  const auto changes = diff(before, after);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].path == "protocolSection.armsInterventionsModule.interventions[DRUG, A].description");
}

TEST_CASE("references are keyed by PMID, else by citation", "[diff][json_diff]") {
  const std::string before =
      R"({"protocolSection":{"referencesModule":{"references":[{"pmid":"1","type":"RESULT"},{"citation":"Doe J. 2020"}]}}})";
  const std::string after =
      R"({"protocolSection":{"referencesModule":{"references":[{"citation":"Doe J. 2020"},{"pmid":"1","type":"DERIVED"}]}}})";
  const auto changes = diff(before, after);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].path == "protocolSection.referencesModule.references[1].type");
}

TEST_CASE("records sharing a key stay distinct by occurrence", "[diff][json_diff]") {
  const std::string before =
      R"({"protocolSection":{"sponsorCollaboratorsModule":{"collaborators":[{"name":"X","class":"NIH"},{"name":"X","class":"OTHER"}]}}})";
  const std::string after =
      R"({"protocolSection":{"sponsorCollaboratorsModule":{"collaborators":[{"name":"X","class":"NIH"}]}}})";
  const auto changes = diff(before, after);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].op == FieldChange::Op::remove);
  CHECK(changes[0].path == "protocolSection.sponsorCollaboratorsModule.collaborators[X #2]");
}

TEST_CASE("records after an unchanged start keep the numbering of the whole array", "[diff][json_diff]") {
  const std::string before =
      R"({"protocolSection":{"sponsorCollaboratorsModule":{"collaborators":[{"name":"A"},{"name":"X","class":"NIH"},)"
      R"({"name":"X","class":"OTHER"}]}}})";
  const std::string after =
      R"({"protocolSection":{"sponsorCollaboratorsModule":{"collaborators":[{"name":"A"},{"name":"X","class":"NIH"},)"
      R"({"name":"X","class":"INDUSTRY"},{"name":"B"}]}}})";
  const auto changes = diff(before, after);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].op == FieldChange::Op::replace);
  CHECK(changes[0].path == "protocolSection.sponsorCollaboratorsModule.collaborators[X #2].class");
  CHECK(changes[1].op == FieldChange::Op::add);
  CHECK(changes[1].path == "protocolSection.sponsorCollaboratorsModule.collaborators[B]");
  // Reordered records (no common start) are still matched by key: nothing changed.
  CHECK(diff(R"({"protocolSection":{"sponsorCollaboratorsModule":{"collaborators":[{"name":"A"},{"name":"B"}]}}})",
             R"({"protocolSection":{"sponsorCollaboratorsModule":{"collaborators":[{"name":"B"},{"name":"A"}]}}})")
            .empty());
}

TEST_CASE("unlisted arrays of records compare by position", "[diff][json_diff]") {
  const auto changes = diff(R"({"x":[{"a":1},{"a":2}]})", R"({"x":[{"a":1},{"a":3},{"a":4}]})");
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == FieldChange{FieldChange::Op::replace, "x[1].a", "2", "3"});
  CHECK(changes[1] == FieldChange{FieldChange::Op::add, "x[2]", "", "{\"a\":4}"});
}

TEST_CASE("versionHolder never counts, wherever it appears in the document", "[diff][json_diff]") {
  CHECK(diff(R"({"derivedSection":{"miscInfoModule":{"versionHolder":"2024-01-03"}}})",
             R"({"derivedSection":{"miscInfoModule":{"versionHolder":"2026-11-24"}}})")
            .empty());
  CHECK(diff(R"({"derivedSection":{"miscInfoModule":{}}})",
             R"({"derivedSection":{"miscInfoModule":{"versionHolder":"2026-11-24"}}})")
            .empty());
}

TEST_CASE("numbers compare by value and type changes are replacements", "[diff][json_diff]") {
  CHECK(diff(R"({"n":1.50})", R"({"n":1.5})").empty());
  const auto changes = diff(R"({"n":1})", R"({"n":"1"})");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == FieldChange{FieldChange::Op::replace, "n", "1", "\"1\""});
}

TEST_CASE("invalid JSON on either side is an error, not an empty diff", "[diff][json_diff]") {
  StudyDiffer differ;
  CHECK_FALSE(differ.diff("{", "{}").has_value());
  CHECK_FALSE(differ.diff("{}", "<html>").has_value());
  CHECK_FALSE(differ.diff(R"({"a":1})", R"({"a":2} trailing)").has_value());
  CHECK_FALSE(differ.diff(R"({"a":1})", R"({"a":2}})").has_value());
  CHECK_FALSE(differ.diff(R"({"protocolSection":{"x":1}})", R"({"protocolSection":{"x":}})").has_value());
}

// Found by fuzz/differ_fuzz.cpp (minimised): a NUL where a key should start is a malformed document, not a throw.
TEST_CASE("a malformed key inside an object is an error, never an exception", "[diff][json_diff][fuzz]") {
  StudyDiffer differ;
  const std::string nul_key("{\0}", 3);
  CHECK_NOTHROW(differ.read(nul_key));
  CHECK_FALSE(differ.diff("{}", nul_key).has_value());
  CHECK_FALSE(differ.diff(nul_key, "{}").has_value());
  const std::string nested(R"({"protocolSection":{)" + nul_key.substr(1, 1) + "}}");
  CHECK_NOTHROW(differ.read(nested));
  CHECK_FALSE(differ.diff("{}", nested).has_value());
}

TEST_CASE("compare() diffs the texts it is given, whatever read() saw last", "[diff][json_diff]") {
  StudyDiffer differ;
  const std::string one = R"({"protocolSection":{"statusModule":{"overallStatus":"RECRUITING"}}})";
  const std::string two = R"({"protocolSection":{"statusModule":{"overallStatus":"COMPLETED"}}})";
  REQUIRE(differ.read(two).has_value());
  const auto same = differ.diff(one, one);  // not the document read(): parsed afresh
  REQUIRE(same.has_value());
  CHECK(same->empty());
  REQUIRE(differ.read(two).has_value());
  CHECK_FALSE(differ.read("{").has_value());  // a failed read() forgets the document before it
  const auto changed = differ.compare(one, two);
  REQUIRE(changed.has_value());
  REQUIRE(changed->changes.size() == 1);
  CHECK(changed->changes[0].path == "protocolSection.statusModule.overallStatus");
  CHECK(changed->before.overall_status == "RECRUITING");
  CHECK(changed->after.overall_status == "COMPLETED");
}

TEST_CASE("the identity-key table knows the arrays docs/registry-api.md lists", "[diff][identity_keys]") {
  using trialwatch::diff::array_rule;
  using trialwatch::diff::ArrayRule;
  CHECK(array_rule("protocolSection.contactsLocationsModule.locations", false).key_fields ==
        std::vector<std::string_view>{"facility", "city", "state", "country", "zip"});
  CHECK(array_rule("protocolSection.designModule.phases", true).kind == ArrayRule::Kind::set);
  CHECK(array_rule("derivedSection.conditionBrowseModule.browseLeaves", false).kind == ArrayRule::Kind::keyed);
  CHECK(array_rule("some.unknown.list", true).kind == ArrayRule::Kind::set);
  CHECK(array_rule("some.unknown.records", false).kind == ArrayRule::Kind::ordered);
}
