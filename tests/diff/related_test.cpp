// SPDX-License-Identifier: MIT
// Related-trial scoring on the constructed field of studies around NCT06613490 (tests/data/field/README.md).
#include "diff/related.hpp"

#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using trialwatch::diff::candidate_queries;
using trialwatch::diff::k_min_related_score;
using trialwatch::diff::read_profile;
using trialwatch::diff::relatedness;
using trialwatch::diff::StudyProfile;
using trialwatch::testing::read_test_file;

namespace {

StudyProfile profile_of(const std::string& relative) {
  auto profile = read_profile(read_test_file(relative));
  REQUIRE(profile);
  return *profile;
}

StudyProfile subject() { return profile_of("ctgov/constructed/NCT06613490.json"); }

// Every candidate of the field with its score against NCT06613490, best first (ties by NCT ID).
std::vector<std::pair<std::string, int>> ranking() {
  std::vector<std::string> files{"ctgov/constructed/NCT07315503.json"};
  for (int n = 1; n <= 11; ++n)
    files.push_back("field/NCT099000" + std::string(n < 10 ? "0" : "") + std::to_string(n) + ".json");
  std::vector<std::pair<std::string, int>> ranked;
  const auto me = subject();
  for (const auto& file : files) {
    const auto other = profile_of(file);
    ranked.emplace_back(other.nct_id, relatedness(me, other).score);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return ranked;
}

}  // namespace

TEST_CASE("a study's profile holds its conditions, interventions and distinctive terms", "[diff][related]") {
  const auto me = subject();
  CHECK(me.nct_id == "NCT06613490");
  CHECK(me.conditions == std::vector<std::string>{"Antisynthetase Syndrome", "Rheumatoid Arthritis"});
  CHECK(me.intervention_types == std::vector<std::string>{"BIOLOGICAL"});
  CHECK(me.intervention_terms == std::vector<std::string>{"CD19", "CAR", "NK"});
  CHECK(me.phases == std::vector<std::string>{"EARLY_PHASE1"});
  CHECK(me.lead_sponsor == "The First Affiliated Hospital with Nanjing Medical University");

  const auto drug = profile_of("field/NCT09900007.json");
  // "Upadacitinib", "Rinvoq", "Methotrexate" are ordinary words; of the code ABT-494 the capitals remain.
  CHECK(drug.intervention_terms == std::vector<std::string>{"ABT"});
}

TEST_CASE("a candidate that is not a JSON object is unreadable, so the listing skips it", "[diff][related]") {
  for (const auto* bad : {"", "<html>blocked</html>", "[1,2]", R"({"a":"\ud800"})"}) {
    CAPTURE(bad);
    const auto profile = read_profile(bad);
    REQUIRE_FALSE(profile.has_value());
    CHECK(profile.error().code == trialwatch::core::Error::Code::unreadable);
  }
}

TEST_CASE("discovery ranks CAR therapies in autoimmune disease above oncology CAR-T and RA drug trials",
          "[diff][related]") {
  const auto ranked = ranking();
  INFO([&] {
    std::string all;
    for (const auto& [id, score] : ranked) all += id + "=" + std::to_string(score) + " ";
    return all;
  }());
  std::vector<std::string> top;
  for (std::size_t i = 0; i < 7; ++i) top.push_back(ranked[i].first);
  std::vector<std::string> first_seven(top.begin(), top.end());
  std::sort(first_seven.begin(), first_seven.end());
  // The related field: CAR cell therapies in RA, myositis/antisynthetase syndrome or lupus, and GC012F in RA.
  CHECK(first_seven == std::vector<std::string>{"NCT07315503", "NCT09900001", "NCT09900002", "NCT09900003",
                                                "NCT09900004", "NCT09900010", "NCT09900011"});
  std::map<std::string, int> score(ranked.begin(), ranked.end());
  for (const auto* unrelated_field : {"NCT09900005", "NCT09900006", "NCT09900007", "NCT09900008"})
    CHECK(score[unrelated_field] < score["NCT07315503"]);
  CHECK(score["NCT09900009"] < k_min_related_score);  // metformin in diabetes shares nothing
  CHECK(score["NCT09900006"] < k_min_related_score);  // BCMA CAR-T in myeloma: only "CAR" and the type
}

TEST_CASE("the reasons say what the two studies share", "[diff][related]") {
  const auto me = subject();
  const auto gc012f = relatedness(me, profile_of("ctgov/constructed/NCT07315503.json"));
  CHECK(gc012f.reasons ==
        std::vector<std::string>{"shares condition Rheumatoid Arthritis", "both BIOLOGICAL", "both EARLY_PHASE1"});
  CHECK(gc012f.score == 7);

  const auto lupus = relatedness(me, profile_of("field/NCT09900002.json"));
  CHECK(std::count(lupus.reasons.begin(), lupus.reasons.end(), "shares intervention term CAR") == 1);
  CHECK(std::count(lupus.reasons.begin(), lupus.reasons.end(),
                   "same lead sponsor The First Affiliated Hospital with Nanjing Medical University") == 1);

  const auto myositis = relatedness(me, profile_of("field/NCT09900001.json"));
  CHECK(std::count(myositis.reasons.begin(), myositis.reasons.end(), "shares condition Antisynthetase Syndrome") == 1);
}

TEST_CASE("candidate queries search the conditions, the terms, the sponsor, never bare NCT IDs", "[diff][related]") {
  auto me = subject();
  me.secondary_ids = {"NCT01234567", "2024-512345-11-00"};
  const auto queries = candidate_queries(me);
  REQUIRE(queries.size() == 5);
  auto value = [](const auto& query, const std::string& name) {
    for (const auto& [key, v] : query)
      if (key == name) return v;
    return std::string();
  };
  CHECK(value(queries[0], "query.cond").find("\"Rheumatoid Arthritis\"") != std::string::npos);
  CHECK(value(queries[0], "query.intr") == "\"CD19\" OR \"CAR\" OR \"NK\"");
  CHECK(value(queries[2], "query.intr") == "\"CD19\" AND \"CAR\" AND \"NK\"");
  CHECK(value(queries[3], "query.spons") == "\"The First Affiliated Hospital with Nanjing Medical University\"");
  CHECK(value(queries[4], "query.id") == "\"2024-512345-11-00\"");  // the NCT ID is left out
  for (const auto& query : queries) CHECK(value(query, "fields") == trialwatch::diff::k_profile_fields);
}
