// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/server.hpp"

#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

namespace fr = trialwatch::fakeregistry;
using fr::Json;
using trialwatch::testing::read_test_file;
using trialwatch::testing::RegistryFixture;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::vector<std::string> ids_in_page(const Json& page) {
  std::vector<std::string> ids;
  for (const Json& study : page.find("studies")->items()) ids.push_back(fr::edits::nct_id_of(study));
  return ids;
}

// A registry of `count` copies of a small real study, renumbered NCT10000001, NCT10000002, ...
fr::Scenario replicated_scenario(int count) {
  const Json model = Json::parse(read_test_file("ctgov/studies/NCT00973089.json"));
  fr::Scenario scenario;
  for (int i = 1; i <= count; ++i) {
    Json copy = model;
    copy.ensure_path("protocolSection.identificationModule")
        .set("nctId", Json::string("NCT1" + std::to_string(10000000 + i).substr(1)));
    scenario.base.put(std::move(copy));
  }
  return scenario;
}

}  // namespace

TEST_CASE("GET /version reports the scenario's dataTimestamp", "[fakeregistry][server]") {
  RegistryFixture f;
  auto response = f.get("/api/v2/version");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->get_header_value("Content-Type") == "application/json");
  const Json version = Json::parse(response->body);
  const Json recorded = Json::parse(read_test_file("ctgov/api/version.2026-08-19.json"));
  CHECK(Json::same_content(version, recorded));
}

TEST_CASE("GET /studies/{id} serves the current document, normalising the ID", "[fakeregistry][server]") {
  RegistryFixture f;
  auto response = f.get("/api/v2/studies/nct4280705");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->get_header_value("Content-Type") == "application/json");
  // Of the two recorded versions of NCT04280705 the registry serves the newer one, as served (minified).
  CHECK(response->body == trimmed(read_test_file("ctgov/studies/NCT04280705.v2026-08-19.json")));
}

TEST_CASE("single-study errors reproduce the recorded status, type and body", "[fakeregistry][server]") {
  RegistryFixture f;
  SECTION("an unknown study is 404 text/plain") {
    auto response = f.get("/api/v2/studies/NCT99999999");
    REQUIRE(response);
    CHECK(response->status == 404);
    CHECK(response->get_header_value("Content-Type") == "text/plain; charset=UTF-8");
    CHECK(response->body == read_test_file("ctgov/errors/ct_single_miss.body.txt"));
  }
  SECTION("a malformed ID is 400 text/plain") {
    auto response = f.get("/api/v2/studies/NCT0000000X");
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->get_header_value("Content-Type") == "text/plain; charset=UTF-8");
    CHECK(response->body == read_test_file("ctgov/errors/ct_single_bad.body.txt"));
  }
  SECTION("a retired classic API path is nginx's HTML 404") {
    auto response = f.get("/api/query/study_fields?expr=heart");
    REQUIRE(response);
    CHECK(response->status == 404);
    CHECK(response->get_header_value("Content-Type") == "text/html");
    CHECK(response->body == read_test_file("ctgov/errors/classic-study-fields.body.html"));
  }
}

TEST_CASE("an alias answers 301 to the canonical record, and filter.ids finds it by alias", "[fakeregistry][server]") {
  fr::Scenario scenario = RegistryFixture::base_scenario();
  scenario.base.add_alias("NCT00000105", "NCT03418623");
  RegistryFixture f(std::move(scenario));
  auto moved = f.get("/api/v2/studies/NCT00000105");
  REQUIRE(moved);
  CHECK(moved->status == 301);
  CHECK(moved->get_header_value("Location") == "/api/v2/studies/NCT03418623");
  auto page = f.get("/api/v2/studies?filter.ids=NCT00000105&fields=NCTId,NCTIdAlias");
  REQUIRE(page);
  const Json body = Json::parse(page->body);
  CHECK(ids_in_page(body) == std::vector<std::string>{"NCT03418623"});
  CHECK(page->body.find("NCT00000105") != std::string::npos);
}

TEST_CASE("a malformed filter.ids item is 400 with the recorded text", "[fakeregistry][server]") {
  RegistryFixture f;
  auto response = f.get("/api/v2/studies?filter.ids=NCT06613490x,NCT04280705");
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->get_header_value("Content-Type") == "text/plain; charset=UTF-8");
  CHECK(response->body == read_test_file("ctgov/errors/ct_search_bad.body.txt"));
  auto second = f.get("/api/v2/studies?filter.ids=NCT06613490|NCT00000000");
  REQUIRE(second);
  CHECK(second->body == "Item 2 in parameter `filter.ids` has incorrect format");
}

TEST_CASE("list pages reproduce the recorded pages", "[fakeregistry][server]") {
  RegistryFixture f;
  SECTION("no match is the recorded empty page, byte for byte") {
    auto response = f.get("/api/v2/studies?query.term=zzyzx");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == read_test_file("ctgov/pages/hkm30_search_empty.json"));
  }
  SECTION("a one-study page equals the recorded wrapper page") {
    for (const auto& [id, page] : std::vector<std::pair<std::string, std::string>>{
             {"NCT03281889", "ctgov/pages/aact_NCT03281889_studies_wrapper.json"},
             {"NCT06388018", "ctgov/pages/aact_NCT06388018_studies_wrapper.json"}}) {
      INFO(id);
      auto response = f.get("/api/v2/studies?filter.ids=" + id);
      REQUIRE(response);
      CHECK(Json::same_content(Json::parse(response->body), Json::parse(read_test_file(page))));
    }
  }
  SECTION("a fields= projection equals the recorded projection") {
    auto response = f.get("/api/v2/studies/NCT04280705?fields=NCTId,OverallStatus,Phase,InterventionName");
    REQUIRE(response);
    CHECK(response->body ==
          trimmed(read_test_file("ctgov/fields/NCT04280705.fields-NCTId,OverallStatus,Phase,InterventionName.json")));
  }
  SECTION("an unknown field is a 500, as the real API was seen to answer") {
    auto response = f.get("/api/v2/studies?fields=NCTId,NoSuchField");
    REQUIRE(response);
    CHECK(response->status == 500);
    CHECK(response->body.find("NoSuchField") != std::string::npos);
  }
}

TEST_CASE("the watermark projection returns exactly the requested pieces", "[fakeregistry][server]") {
  RegistryFixture f;
  auto response = f.get(
      "/api/v2/studies?filter.ids=NCT00763412,NCT06613490&fields=NCTId,LastUpdatePostDate,OverallStatus,HasResults,"
      "ResultsFirstPostDate,ResultsFirstSubmitDate,StudyFirstPostDate,BriefTitle");
  REQUIRE(response);
  const Json page = Json::parse(response->body);
  REQUIRE(ids_in_page(page) == std::vector<std::string>{"NCT00763412", "NCT06613490"});
  const Json& with_results = page.find("studies")->items()[0];
  CHECK(
      with_results.dump() ==
      R"({"protocolSection":{"identificationModule":{"nctId":"NCT00763412","briefTitle":"Pilot and Feasibility Study for the Treatment of Pre-diabetes in Patients With Cystic Fibrosis"},"statusModule":{"overallStatus":"COMPLETED","studyFirstPostDateStruct":{"date":"2008-10-01"},"resultsFirstSubmitDate":"2016-07-11","resultsFirstPostDateStruct":{"date":"2017-06-05"},"lastUpdatePostDateStruct":{"date":"2017-06-05"}}},"hasResults":true})");
}

TEST_CASE("paging follows tokens, binds them to the query and coerces pageSize", "[fakeregistry][server]") {
  RegistryFixture f(replicated_scenario(1203));
  SECTION("every study is returned once, totalCount only on the first page") {
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    while (true) {
      std::string target = "/api/v2/studies?fields=NCTId&countTotal=true&pageSize=500";
      if (!token.empty()) target += "&pageToken=" + token;
      auto response = f.get(target);
      REQUIRE(response);
      REQUIRE(response->status == 200);
      const Json page = Json::parse(response->body);
      CHECK((page.find("totalCount") != nullptr) == (pages == 0));
      for (auto& id : ids_in_page(page)) seen.push_back(id);
      ++pages;
      const Json* next = page.find("nextPageToken");
      if (next == nullptr) break;
      token = next->text();
    }
    CHECK(pages == 3);
    CHECK(seen.size() == 1203);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 1203);
  }
  SECTION("a page size above 1000 is coerced down, not refused") {
    auto response = f.get("/api/v2/studies?fields=NCTId&pageSize=99999");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(ids_in_page(Json::parse(response->body)).size() == 1000);
  }
  SECTION("the default page size is 10, and 0 means the default") {
    for (const char* target : {"/api/v2/studies?fields=NCTId", "/api/v2/studies?fields=NCTId&pageSize=0"}) {
      auto response = f.get(target);
      REQUIRE(response);
      CHECK(ids_in_page(Json::parse(response->body)).size() == 10);
    }
  }
  SECTION("a token used with other query parameters is refused") {
    auto first = f.get("/api/v2/studies?fields=NCTId&pageSize=5");
    REQUIRE(first);
    const std::string token = Json::parse(first->body).find("nextPageToken")->text();
    auto same = f.get("/api/v2/studies?fields=NCTId&pageSize=7&pageToken=" + token);
    REQUIRE(same);
    CHECK(same->status == 200);  // pageSize may change between pages
    auto other = f.get("/api/v2/studies?fields=NCTId,BriefTitle&pageSize=5&pageToken=" + token);
    REQUIRE(other);
    CHECK(other->status == 400);
  }
  SECTION("a full last page still carries a token, and the page after it is empty") {
    auto full = f.get("/api/v2/studies?filter.ids=NCT10000001,NCT10000002&fields=NCTId&pageSize=2");
    REQUIRE(full);
    const Json page = Json::parse(full->body);
    CHECK(ids_in_page(page).size() == 2);
    REQUIRE(page.find("nextPageToken") != nullptr);
    auto empty = f.get("/api/v2/studies?filter.ids=NCT10000001,NCT10000002&fields=NCTId&pageSize=2&pageToken=" +
                       page.find("nextPageToken")->text());
    REQUIRE(empty);
    CHECK(empty->body == "{\"studies\":[\n\n]}");
  }
}

TEST_CASE("searches use the registry's areas and date ranges", "[fakeregistry][server]") {
  RegistryFixture f;
  auto ids_for = [&](const std::string& query) {
    auto response = f.get("/api/v2/studies?fields=NCTId&pageSize=100&" + query);
    REQUIRE(response);
    REQUIRE(response->status == 200);
    return ids_in_page(Json::parse(response->body));
  };
  CHECK(ids_for("query.cond=rheumatoid%20arthritis") == std::vector<std::string>{"NCT06613490", "NCT07315503"});
  CHECK(ids_for("query.cond=rheumatoid%20arthritis&query.intr=CAR-NK") == std::vector<std::string>{"NCT06613490"});
  CHECK(ids_for("query.cond=rheumatoid&query.intr=GC012F") == std::vector<std::string>{"NCT07315503"});
  CHECK(ids_for("filter.advanced=AREA%5BLastUpdatePostDate%5DRANGE%5B2026-01-01,MAX%5D") ==
        std::vector<std::string>{"NCT06927986"});
  CHECK(ids_for("filter.ids=NCT06613490,NCT04280705&filter.overallStatus=COMPLETED") ==
        std::vector<std::string>{"NCT04280705"});
  auto bad = f.get("/api/v2/studies?query.cond=%28lupus");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto unknown = f.get("/api/v2/studies?query.nothing=1");
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
}

TEST_CASE("responses are gzip-compressed when the client asks", "[fakeregistry][server]") {
  RegistryFixture f;
  httplib::Headers headers{{"Accept-Encoding", "gzip"}};
  f.client.set_decompress(false);
  auto response = f.client.Get("/api/v2/studies/NCT02513394", headers);
  REQUIRE(response);
  CHECK(response->get_header_value("Content-Encoding") == "gzip");
  CHECK(response->body.size() < read_test_file("ctgov/studies/NCT02513394.json").size() / 5);
}

TEST_CASE("faults hit the requests they describe, then clear", "[fakeregistry][server][faults]") {
  RegistryFixture f;
  SECTION("a status fault with Retry-After hits `times` requests after `skip`") {
    fr::Fault fault;
    fault.path = "^/api/v2/version$";
    fault.status = 429;
    fault.retry_after = "7";
    fault.skip = 1;
    fault.times = 2;
    f.registry.add_fault(fault);
    std::vector<int> statuses;
    for (int i = 0; i < 4; ++i) {
      auto response = f.get("/api/v2/version");
      REQUIRE(response);
      statuses.push_back(response->status);
      if (response->status == 429) CHECK(response->get_header_value("Retry-After") == "7");
    }
    CHECK(statuses == std::vector<int>{200, 429, 429, 200});
    const auto log = f.registry.requests();
    REQUIRE(log.size() == 4);
    CHECK(log[1].fault == "status");
    CHECK(log[1].status == 429);
    CHECK(log[3].fault.empty());
  }
  SECTION("an HTML page with 200") {
    f.registry.add_fault(fr::Fault{.path = "studies", .kind = fr::Fault::Kind::html});
    auto response = f.get("/api/v2/studies/NCT06613490");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  }
  SECTION("invalid JSON with 200 application/json") {
    f.registry.add_fault(fr::Fault{.path = "studies", .kind = fr::Fault::Kind::invalid_json});
    auto response = f.get("/api/v2/studies/NCT06613490");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK_THROWS_AS(Json::parse(response->body), fr::JsonError);
  }
  SECTION("a truncated body and a reset connection reach the client as transport errors") {
    f.registry.add_fault(fr::Fault{.path = "NCT04280705", .kind = fr::Fault::Kind::truncate, .truncate_to = 1000});
    f.registry.add_fault(fr::Fault{.path = "NCT06613490", .kind = fr::Fault::Kind::reset});
    CHECK_FALSE(f.get("/api/v2/studies/NCT04280705"));
    CHECK_FALSE(f.get("/api/v2/studies/NCT06613490"));
    auto again = f.get("/api/v2/studies/NCT04280705");  // times = 1: the next one is whole
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(again->body.size() > 200000);
  }
  SECTION("a slow drip still delivers the whole body") {
    f.registry.add_fault(
        fr::Fault{.path = "NCT06613490", .kind = fr::Fault::Kind::drip, .drip_bytes = 1024, .drip_interval_ms = 5});
    auto dripped = f.get("/api/v2/studies/NCT06613490");
    REQUIRE(dripped);
    auto whole = f.get("/api/v2/studies/NCT06613490");
    REQUIRE(whole);
    CHECK(dripped->body == whole->body);
    CHECK(f.registry.requests().front().fault == "drip");
  }
  SECTION("faults can be matched on the query string and cleared") {
    f.registry.add_fault(
        fr::Fault{.path = "^/api/v2/studies$", .query_contains = "pageToken=", .times = -1, .status = 503});
    auto first = f.get("/api/v2/studies?fields=NCTId&pageSize=2");
    REQUIRE(first);
    CHECK(first->status == 200);
    const std::string token = Json::parse(first->body).find("nextPageToken")->text();
    auto second = f.get("/api/v2/studies?fields=NCTId&pageSize=2&pageToken=" + token);
    REQUIRE(second);
    CHECK(second->status == 503);
    f.registry.clear_faults();
    auto third = f.get("/api/v2/studies?fields=NCTId&pageSize=2&pageToken=" + token);
    REQUIRE(third);
    CHECK(third->status == 200);
  }
}

TEST_CASE("the request log records method, path, query and status in order", "[fakeregistry][server]") {
  RegistryFixture f;
  REQUIRE(f.get("/api/v2/version"));
  REQUIRE(f.get("/api/v2/studies?filter.ids=NCT06613490&fields=NCTId"));
  REQUIRE(f.get("/api/v2/studies/NCT99999999"));
  const auto log = f.registry.requests();
  REQUIRE(log.size() == 3);
  CHECK(log[0].path == "/api/v2/version");
  CHECK(log[1].query == "filter.ids=NCT06613490&fields=NCTId");
  CHECK(log[2].status == 404);
  f.registry.clear_requests();
  CHECK(f.registry.requests().empty());
}

TEST_CASE("a second registry refuses a port the first listens on, and every request reaches the first",
          "[fakeregistry][server]") {
  RegistryFixture f;
  fr::FakeRegistry second(RegistryFixture::base_scenario(), RegistryFixture::metadata().first,
                          RegistryFixture::metadata().second);
  CHECK_THROWS_AS(second.start(f.port), fr::PortInUse);
  CHECK_THROWS_WITH(second.start(f.port), "port " + std::to_string(f.port) + " is in use");
  for (int i = 0; i < 10; ++i) REQUIRE(f.get("/api/v2/version"));
  CHECK(f.registry.requests().size() == 10);
}
