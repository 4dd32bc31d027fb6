// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/query.hpp"

#include "tests/fakeregistry/server.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

namespace fr = trialwatch::fakeregistry;
using fr::Expression;
using fr::SearchArea;

namespace {

const fr::FieldCatalogue& catalogue() {
  static const fr::FieldCatalogue fields = fr::load_metadata(trialwatch::testing::test_data_dir() / "ctgov").first;
  return fields;
}

fr::Json study(const char* path) { return fr::Json::parse(trialwatch::testing::read_test_file(path)); }

bool matches(const char* expression, const fr::Json& document, SearchArea area = SearchArea::basic) {
  return Expression::parse(expression).matches(document, area, catalogue());
}

}  // namespace

TEST_CASE("search words are lower-cased runs of letters and digits", "[fakeregistry][query]") {
  CHECK(fr::search_words("CD19 CAR-NK cells, (refractory)") ==
        std::vector<std::string>{"cd19", "car", "nk", "cells", "refractory"});
}

TEST_CASE("the field catalogue maps piece names to the JSON paths of the real metadata", "[fakeregistry][query]") {
  CHECK(catalogue().size() > 300);
  CHECK(catalogue().resolve("LastUpdatePostDate") == "protocolSection.statusModule.lastUpdatePostDateStruct.date");
  CHECK(catalogue().resolve("NCTId") == "protocolSection.identificationModule.nctId");
  CHECK(catalogue().resolve("HasResults") == "hasResults");
  CHECK(catalogue().resolve("protocolSection.statusModule") == "protocolSection.statusModule");
  CHECK_FALSE(catalogue().resolve("NoSuchPiece").has_value());
}

TEST_CASE("terms match whole words in the chosen search area", "[fakeregistry][query]") {
  const fr::Json car_nk = study("ctgov/constructed/NCT06613490.json");
  CHECK(matches("rheumatoid arthritis", car_nk, SearchArea::condition));
  CHECK(matches("\"antisynthetase syndrome\"", car_nk, SearchArea::condition));
  CHECK_FALSE(matches("\"arthritis antisynthetase\"", car_nk, SearchArea::condition));
  CHECK(matches("\"arthritis rheumatoid\"", car_nk, SearchArea::condition));  // the MeSH term "Arthritis, Rheumatoid"
  CHECK_FALSE(matches("rheuma", car_nk, SearchArea::condition));              // whole words only
  CHECK(matches("CAR-NK", car_nk, SearchArea::intervention));
  CHECK_FALSE(matches("lupus", car_nk, SearchArea::condition));
}

TEST_CASE("AND, OR, NOT and parentheses combine terms with NOT > AND > OR", "[fakeregistry][query]") {
  const fr::Json car_nk = study("ctgov/constructed/NCT06613490.json");
  CHECK(matches("lupus OR myositis OR \"rheumatoid arthritis\"", car_nk, SearchArea::condition));
  CHECK_FALSE(matches("lupus AND \"rheumatoid arthritis\"", car_nk, SearchArea::condition));
  CHECK(matches("rheumatoid NOT lupus", car_nk, SearchArea::condition));
  CHECK_FALSE(matches("NOT (rheumatoid OR lupus)", car_nk, SearchArea::condition));
  CHECK(matches("lupus OR rheumatoid AND arthritis", car_nk, SearchArea::condition));
  CHECK_FALSE(matches("(lupus OR rheumatoid) AND melanoma", car_nk, SearchArea::condition));
}

TEST_CASE("AREA[...] and RANGE[...] select fields and date ranges", "[fakeregistry][query]") {
  const fr::Json remdesivir = study("ctgov/studies/NCT04280705.v2026-08-19.json");  // last update 2022-03-14
  CHECK(matches("AREA[LastUpdatePostDate]RANGE[2022-03-14,MAX]", remdesivir));
  CHECK(matches("AREA[LastUpdatePostDate]RANGE[MIN,2022-03-14]", remdesivir));
  CHECK_FALSE(matches("AREA[LastUpdatePostDate]RANGE[2022-03-15,MAX]", remdesivir));
  CHECK(matches("AREA[Phase]PHASE3", remdesivir));
  CHECK_FALSE(matches("AREA[Phase]PHASE2", remdesivir));
  CHECK(matches("AREA[OverallStatus]COMPLETED AND AREA[LastUpdatePostDate]RANGE[2022-01-01,2022-12-31]", remdesivir));
}

TEST_CASE("malformed expressions are refused with a sentence", "[fakeregistry][query]") {
  auto text = GENERATE(as<std::string>{}, "", "(lupus", "\"open phrase", "AREA[Phase", "lupus OR", "AND",
                       "AREA[LastUpdatePostDate]RANGE[2022]");
  INFO(text);
  CHECK_THROWS_AS(Expression::parse(text), fr::QueryError);
}

TEST_CASE("an unknown AREA name is reported when evaluated", "[fakeregistry][query]") {
  const fr::Json car_nk = study("ctgov/constructed/NCT06613490.json");
  CHECK_THROWS_WITH(matches("AREA[NoSuchArea]x", car_nk), Catch::Contains("Unknown area name NoSuchArea"));
}
