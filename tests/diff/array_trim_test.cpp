// SPDX-License-Identifier: MIT
// The differ cuts the identical records at the front of a big changed array from both versions before parsing them
// (diff/detail/array_trim.hpp). These tests check that the cut changes nothing: the "#n" numbering, positions and
// rules come out as when both arrays are read whole. The reference is the same differ given an earlier version with
// white space after every comma and colon, which shares no long prefix with the later one, so nothing is cut.

#include "diff/json_diff.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/json.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace edits = trialwatch::fakeregistry::edits;
using trialwatch::core::FieldChange;
using trialwatch::diff::StudyDiffer;
using trialwatch::fakeregistry::Json;

namespace {

// `json` with a space after every comma and colon outside strings: the same document, no long common prefix.
std::string spaced(std::string_view json) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    out.push_back(c);
    if (in_string) {
      if (c == '\\') out.push_back(json[++i]);
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ',' || c == ':') {
      out.push_back(' ');
    }
  }
  return out;
}

std::vector<FieldChange> diff(const std::string& before, const std::string& after) {
  StudyDiffer differ;
  auto changes = differ.diff(before, after);
  REQUIRE(changes.has_value());
  return *changes;
}

// The changes from `before` to `after`, checked equal to those of reading both whole.
std::vector<FieldChange> diff_checked(const std::string& before, const std::string& after) {
  const auto changes = diff(before, after);
  CHECK(changes == diff(spaced(before), after));
  return changes;
}

// A study whose module `module` has the member `array` holding `records` (JSON texts), padded to be big.
std::string study_with(std::string_view module, std::string_view array, const std::vector<std::string>& records) {
  std::string out = R"({"protocolSection":{"identificationModule":{"nctId":"NCT01234567"},")";
  out.append(module).append(R"(":{"note":"before",")").append(array).append("\":[");
  for (std::size_t i = 0; i < records.size(); ++i) out.append(i ? "," : "").append(records[i]);
  out.append(R"(],"after":"unchanged"}}})");
  return out;
}

std::vector<std::string> sites(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(R"({"facility":"Site )" + std::to_string(i) +
                  R"( University Hospital","status":"RECRUITING","city":"Springfield","country":"United States"})");
  return out;
}

}  // namespace

TEST_CASE("a site added after hundreds of unchanged ones is one addition", "[diff][array_trim]") {
  auto records = sites(300);
  const auto before = study_with("contactsLocationsModule", "locations", records);
  records.push_back(R"({"facility":"Bench Hospital","city":"Nanjing","country":"China"})");
  const auto changes = diff_checked(before, study_with("contactsLocationsModule", "locations", records));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].op == FieldChange::Op::add);
  CHECK(changes[0].path == "protocolSection.contactsLocationsModule.locations[Bench Hospital, Nanjing, China]");
}

TEST_CASE("a new record numbers itself after an equal key among the cut records", "[diff][array_trim]") {
  auto records = sites(300);
  SECTION("the same bytes") {
    records[7] = R"({"facility":"Bench Hospital","city":"Nanjing","country":"China"})";
    const auto before = study_with("contactsLocationsModule", "locations", records);
    records.push_back(R"({"facility":"Bench Hospital","city":"Nanjing","country":"China","status":"NEW"})");
    const auto changes = diff_checked(before, study_with("contactsLocationsModule", "locations", records));
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].path == "protocolSection.contactsLocationsModule.locations[Bench Hospital, Nanjing, China #2]");
  }
  SECTION("an escaped spelling of the same key") {
    records[7] = R"({"facility":"Caf\u00e9 Clinic","city":"Nanjing","country":"China"})";
    const auto before = study_with("contactsLocationsModule", "locations", records);
    records.push_back(R"({"facility":"Café Clinic","city":"Nanjing","country":"China"})");
    const auto changes = diff_checked(before, study_with("contactsLocationsModule", "locations", records));
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].path == "protocolSection.contactsLocationsModule.locations[Café Clinic, Nanjing, China #2]");
  }
  SECTION("a key that is a number") {
    std::vector<std::string> references;
    for (int i = 0; i < 300; ++i)
      references.push_back(R"({"pmid":")" + std::to_string(1000 + i) +
                           R"(","type":"BACKGROUND","citation":"Doe J, Roe R. A trial of something. 2020."})");
    const auto before = study_with("referencesModule", "references", references);
    references.push_back(R"({"pmid":"1007","type":"RESULT"})");
    const auto changes = diff_checked(before, study_with("referencesModule", "references", references));
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].path == "protocolSection.referencesModule.references[1007 #2]");
  }
}

TEST_CASE("positions in an ordered array count the cut records", "[diff][array_trim]") {
  std::vector<std::string> items;
  for (int i = 0; i < 300; ++i) items.push_back(R"({"n":)" + std::to_string(i) + R"(,"text":"an unkeyed record"})");
  const auto before = study_with("someModule", "items", items);
  items[250] = R"({"n":-1,"text":"an unkeyed record"})";
  const auto changes = diff_checked(before, study_with("someModule", "items", items));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == FieldChange{FieldChange::Op::replace, "protocolSection.someModule.items[250].n", "250", "-1"});
}

TEST_CASE("a set with a long unchanged front reports only its additions", "[diff][array_trim]") {
  std::vector<std::string> keywords;
  for (int i = 0; i < 1000; ++i) keywords.push_back("\"keyword number " + std::to_string(i) + "\"");
  const auto before = study_with("conditionsModule", "keywords", keywords);
  keywords.push_back(R"("keyword number 3")");
  const auto changes = diff_checked(before, study_with("conditionsModule", "keywords", keywords));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == FieldChange{FieldChange::Op::add, "protocolSection.conditionsModule.keywords[keyword number 3]",
                                  "", "\"keyword number 3\""});
}

TEST_CASE("edits of the recorded studies diff the same with and without the cut", "[diff][array_trim]") {
  std::size_t compared = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(trialwatch::testing::test_data_dir() / "ctgov/studies")) {
    const Json original = Json::parse(trialwatch::testing::read_file(entry.path()));
    const std::string before = original.dump();
    const Json* locations = original.at_path("protocolSection.contactsLocationsModule.locations");
    if (locations == nullptr || locations->items().size() < 3) continue;
    const auto& items = locations->items();
    INFO(entry.path().filename().string());

    Json added = original;  // the bench's sponsor update: status, a new site at the end
    edits::set_overall_status(added, "ACTIVE_NOT_RECRUITING");
    edits::add_location(added, "Bench Hospital", "Nanjing", "China");
    diff_checked(before, added.dump());

    Json duplicate = original;  // a second site with the key of an early one
    Json copy = items[1];
    copy.set("status", Json::string("NOT_YET_RECRUITING"));
    duplicate.at_path("protocolSection.contactsLocationsModule.locations")->push_back(std::move(copy));
    const auto duplicated = diff_checked(before, duplicate.dump());
    REQUIRE(duplicated.size() == 1);
    CHECK(duplicated[0].path.find(" #") != std::string::npos);

    Json middle = original;  // one site in the middle changes its status
    auto& site = middle.at_path("protocolSection.contactsLocationsModule.locations")->items()[items.size() / 2];
    site.set("status", Json::string("WITHDRAWN_FOR_THE_TEST"));
    REQUIRE(diff_checked(before, middle.dump()).size() == 1);

    Json removed = original;  // the last site leaves
    removed.at_path("protocolSection.contactsLocationsModule.locations")->items().pop_back();
    const auto removal = diff_checked(before, removed.dump());
    REQUIRE(removal.size() == 1);
    CHECK(removal[0].op == FieldChange::Op::remove);
    ++compared;
  }
  CHECK(compared >= 5);
}
