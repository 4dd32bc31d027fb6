// SPDX-License-Identifier: MIT
// The registry client over real HTTP (libcurl) against the fake registry on loopback; only time is simulated.

#include "fetch/registry_client.hpp"

#include "fetch/curl_http_client.hpp"
#include "fetch/study_page.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <set>

namespace fr = trialwatch::fakeregistry;
using namespace trialwatch::fetch;
using trialwatch::core::Error;
using trialwatch::core::NctId;
using trialwatch::testing::ManualClock;
using trialwatch::testing::RegistryFixture;

namespace {

// Records every wait and moves the manual clock instead of sleeping.
class RecordingSleeper final : public Sleeper {
 public:
  explicit RecordingSleeper(ManualClock& clock) : m_clock(clock) {}
  bool sleep_for(std::chrono::nanoseconds duration) override {
    if (duration > std::chrono::nanoseconds::zero()) {
      waits.push_back(duration);
      m_clock.advance(duration);
    }
    return true;
  }
  std::vector<std::chrono::nanoseconds> waits;

 private:
  ManualClock& m_clock;
};

struct ClientFixture {
  explicit ClientFixture(RetryPolicy retry = {}, std::size_t max_body = 64 * 1024 * 1024)
      : http([max_body] {
          CurlOptions options;
          options.user_agent = "trialwatch-test";
          options.max_body_bytes = max_body;
          return options;
        }()),
        limiter(clock, 1.0, 5.0),
        sleeper(clock),
        client(
            http, limiter, sleeper, [] { return 0.5; },
            [&] {
              RegistryClientOptions options;
              options.base_url = registry.registry.base_url();
              options.history_base_url = registry.registry.history_base_url();
              options.retry = retry;
              return options;
            }()) {}

  RegistryFixture registry;
  CurlGlobal curl;
  CurlHttpClient http;
  ManualClock clock;
  RateLimiter limiter;
  RecordingSleeper sleeper;
  RegistryClient client;
};

NctId id(const char* text) { return *NctId::parse(text); }

// A copy of the recorded study NCT00973089 as `nct_id`, its brief summary replaced by `summary`.
fr::Json study_with_summary(const std::string& nct_id, fr::Json summary) {
  fr::Json study = fr::Json::parse(trialwatch::testing::read_test_file("ctgov/studies/NCT00973089.json"));
  study.ensure_path("protocolSection.identificationModule").set("nctId", fr::Json::string(nct_id));
  study.ensure_path("protocolSection.descriptionModule").set("briefSummary", std::move(summary));
  return study;
}

// Arrays nested `depth` deep.
fr::Json nested_arrays(int depth) {
  fr::Json value = fr::Json::array();
  for (int level = 1; level < depth; ++level) {
    fr::Json outer = fr::Json::array();
    outer.push_back(std::move(value));
    value = std::move(outer);
  }
  return value;
}

// The NCT ID inside a study text (the test may look; fetch never does).
std::string nct_id_in(const std::string& json) {
  const auto at = json.find("\"nctId\":\"");
  return at == std::string::npos ? std::string() : json.substr(at + 9, 11);
}

}  // namespace

TEST_CASE("version() reads the dataTimestamp", "[fetch][registry_client]") {
  ClientFixture f;
  const auto version = f.client.version();
  REQUIRE(version.has_value());
  CHECK(version->data_timestamp == "2026-08-19T09:00:06");
  CHECK(version->api_version == "2.0.5");
  CHECK(f.client.stats().requests == 1);
}

TEST_CASE("study() tells found, moved and not found apart", "[fetch][registry_client]") {
  fr::Scenario scenario = RegistryFixture::base_scenario();
  scenario.base.add_alias("NCT00000105", "NCT03418623");
  ClientFixture f;
  f.registry.registry.modify([](fr::RegistryData& data) { data.add_alias("NCT00000105", "NCT03418623"); });
  const auto found = f.client.study(id("NCT06613490"));
  REQUIRE(found.has_value());
  CHECK(found->kind == StudyLookup::Kind::found);
  CHECK(found->body.find("\"nctId\":\"NCT06613490\"") != std::string::npos);
  const auto moved = f.client.study(id("NCT00000105"));
  REQUIRE(moved.has_value());
  CHECK(moved->kind == StudyLookup::Kind::moved);
  CHECK(moved->moved_to == "NCT03418623");
  const auto missing = f.client.study(id("NCT09999999"));
  REQUIRE(missing.has_value());
  CHECK(missing->kind == StudyLookup::Kind::not_found);
}

TEST_CASE("list() follows tokens to the end and stops on a missing token only", "[fetch][registry_client]") {
  ClientFixture f;
  std::vector<std::string> studies;
  const auto visited = f.client.list({{"fields", "NCTId"}}, 5, [&](const std::string& json) {
    studies.push_back(json);
    return trialwatch::core::Result<trialwatch::core::Ok>(trialwatch::core::Ok{});
  });
  REQUIRE(visited.has_value());
  const auto total = f.registry.registry.requests().size();
  CHECK(*visited == 27);
  CHECK(studies.size() == 27);
  CHECK(total == 6);  // 27 studies at 5 a page: 6 pages, the last one short
}

TEST_CASE("by_ids() batches at most 500 IDs and isolates an ID the registry rejects", "[fetch][registry_client]") {
  ClientFixture f;
  std::vector<NctId> ids{id("NCT06613490"), id("NCT04280705"), id("NCT00763412")};
  SECTION("by the item number in the registry's answer") {
    f.registry.registry.add_fault(fr::Fault{.path = "^/api/v2/studies$",
                                            .query_contains = "NCT04280705",
                                            .times = -1,
                                            .status = 400,
                                            .body = "Item 2 in parameter `filter.ids` has incorrect format"});
  }
  SECTION("by bisection when the answer names no item") {
    f.registry.registry.add_fault(fr::Fault{.path = "^/api/v2/studies$",
                                            .query_contains = "NCT04280705",
                                            .times = -1,
                                            .status = 400,
                                            .body = "Invalid value in parameter `filter.ids`"});
  }
  std::vector<std::string> seen;
  const auto skipped = f.client.by_ids(ids, "NCTId", 1000, [&](const std::string& json) {
    seen.push_back(json);
    return trialwatch::core::Result<trialwatch::core::Ok>(trialwatch::core::Ok{});
  });
  REQUIRE(skipped.has_value());
  CHECK(skipped->rejected == std::vector<NctId>{id("NCT04280705")});
  CHECK(skipped->unreadable.empty());
  CHECK(seen.size() == 2);
}

TEST_CASE("by_ids() narrows a page that does not parse to the studies at fault and visits the rest",
          "[fetch][registry_client][poison]") {
  ClientFixture f;
  f.registry.registry.modify([](fr::RegistryData& data) {
    data.put(study_with_summary("NCT09000001", fr::Json::raw_string(R"(A lone \ud800 surrogate)")));
    data.put(study_with_summary("NCT09000002", nested_arrays(1100)));
  });
  const std::vector<NctId> ids{id("NCT06613490"), id("NCT04280705"), id("NCT00763412"),
                               id("NCT09000001"), id("NCT09000002"), id("NCT00973089")};
  std::multiset<std::string> visited;
  const auto skipped = f.client.by_ids(ids, "", 20, [&](const std::string& json) {
    visited.insert(nct_id_in(json));
    return trialwatch::core::Result<trialwatch::core::Ok>(trialwatch::core::Ok{});
  });
  REQUIRE(skipped.has_value());
  CHECK(skipped->rejected.empty());
  REQUIRE(skipped->unreadable.size() == 2);
  CHECK(skipped->unreadable[0].id == id("NCT09000001"));
  CHECK_THAT(skipped->unreadable[0].reason, Catch::Contains("lone surrogate"));
  CHECK(skipped->unreadable[1].id == id("NCT09000002"));
  CHECK_THAT(skipped->unreadable[1].reason, Catch::Contains("too deeply"));
  CHECK(visited == std::multiset<std::string>{"NCT00763412", "NCT00973089", "NCT04280705", "NCT06613490"});
  // Bisection of 6 IDs: the whole batch, its good half, the bad half, each poison alone, and the one left over
  // (1 + 2 * ceil(log2 6) * 2 = 13 at most for two bad studies).
  const auto requests = f.registry.registry.requests().size();
  CHECK(requests <= 13);
  CHECK(requests == 7);
}

TEST_CASE("by_ids() narrows a study the visitor refuses as unreadable to its ID, and other errors still fail the pass",
          "[fetch][registry_client][poison]") {
  ClientFixture f;
  const std::vector<NctId> ids{id("NCT06613490"), id("NCT04280705"), id("NCT00763412"), id("NCT00973089")};
  std::multiset<std::string> visited;
  auto refuse = [&](Error::Code code) {
    return [&visited, code](const std::string& json) -> trialwatch::core::Result<trialwatch::core::Ok> {
      const std::string nct_id = nct_id_in(json);
      if (nct_id == "NCT04280705") return Error{code, "a study document is not valid JSON: Problem while parsing"};
      visited.insert(nct_id);
      return trialwatch::core::Ok{};
    };
  };
  SECTION("unreadable: skipped and reported, the rest visited (some twice)") {
    const auto skipped = f.client.by_ids(ids, "", 20, refuse(Error::Code::unreadable));
    REQUIRE(skipped.has_value());
    REQUIRE(skipped->unreadable.size() == 1);
    CHECK(skipped->unreadable[0].id == id("NCT04280705"));
    CHECK(skipped->unreadable[0].reason == "a study document is not valid JSON: Problem while parsing");
    CHECK(std::set<std::string>(visited.begin(), visited.end()) ==
          std::set<std::string>{"NCT00763412", "NCT00973089", "NCT06613490"});
    CHECK(visited.count("NCT00763412") == 2);  // before the refused study on the first page, and in its half
    CHECK(f.registry.registry.requests().size() == 1 + 2 * 2);  // the batch, then two halvings of two requests
  }
  SECTION("any other error ends the pass at once") {
    const auto failed = f.client.by_ids(ids, "", 20, refuse(Error::Code::bad_response));
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().code == Error::Code::bad_response);
    CHECK(f.registry.registry.requests().size() == 1);
  }
}

TEST_CASE("a page cut short is a failure, not a record to skip", "[fetch][registry_client][poison]") {
  ClientFixture f;
  f.registry.registry.add_fault(
      fr::Fault{.path = "^/api/v2/studies$", .times = -1, .kind = fr::Fault::Kind::invalid_json});
  const auto failed = f.client.by_ids({id("NCT06613490"), id("NCT04280705")}, "", 20, [](const std::string&) {
    return trialwatch::core::Result<trialwatch::core::Ok>(trialwatch::core::Ok{});
  });
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == Error::Code::bad_response);
  CHECK(f.registry.registry.requests().size() == 1);
}

TEST_CASE("transient failures are retried with backoff that honours Retry-After", "[fetch][registry_client]") {
  ClientFixture f(RetryPolicy{.max_attempts = 4});
  SECTION("503 twice, then success") {
    f.registry.registry.add_fault(fr::Fault{.path = "version", .times = 2, .status = 503});
    const auto version = f.client.version();
    REQUIRE(version.has_value());
    CHECK(f.client.stats().requests == 3);
    CHECK(f.client.stats().retries == 2);
  }
  SECTION("429 with Retry-After waits at least that long") {
    f.registry.registry.add_fault(fr::Fault{.path = "version", .times = 1, .status = 429, .retry_after = "7"});
    REQUIRE(f.client.version().has_value());
    REQUIRE_FALSE(f.sleeper.waits.empty());
    CHECK(*std::max_element(f.sleeper.waits.begin(), f.sleeper.waits.end()) >= std::chrono::seconds(7));
  }
  SECTION("an HTML page with 200 is retried, never parsed, and finally an error that says so") {
    f.registry.registry.add_fault(fr::Fault{.path = "version", .times = -1, .kind = fr::Fault::Kind::html});
    const auto version = f.client.version();
    REQUIRE_FALSE(version.has_value());
    CHECK_THAT(version.error().message, Catch::Contains("text/html") && Catch::Contains("gave up after 4 attempts"));
    CHECK(f.client.stats().requests == 4);
  }
  SECTION("a truncated body is a transport failure, retried") {
    f.registry.registry.add_fault(
        fr::Fault{.path = "NCT04280705", .times = 1, .kind = fr::Fault::Kind::truncate, .truncate_to = 1000});
    const auto found = f.client.study(id("NCT04280705"));
    REQUIRE(found.has_value());
    CHECK(found->body.size() > 200000);
    CHECK(f.client.stats().retries == 1);
  }
}

TEST_CASE("permanent answers are not retried", "[fetch][registry_client]") {
  ClientFixture f;
  SECTION("403 means blocked: stop at once and say so") {
    f.registry.registry.add_fault(fr::Fault{.path = "version", .times = -1, .status = 403});
    const auto version = f.client.version();
    REQUIRE_FALSE(version.has_value());
    CHECK(f.client.stats().blocked);
    CHECK(f.client.stats().requests == 1);
    CHECK_THAT(version.error().message, Catch::Contains("refusing our requests"));
  }
  SECTION("a 400 on a search is reported with the registry's text") {
    const auto listed = f.client.list({{"query.cond", "(lupus"}}, 10, [](const std::string&) {
      return trialwatch::core::Result<trialwatch::core::Ok>(trialwatch::core::Ok{});
    });
    REQUIRE_FALSE(listed.has_value());
    CHECK(listed.error().code == Error::Code::invalid_input);
    CHECK(f.client.stats().requests == 1);
  }
}

TEST_CASE("the response size cap stops a large answer mid-transfer", "[fetch][registry_client]") {
  ClientFixture f(RetryPolicy{.max_attempts = 1}, 100 * 1024);
  const auto found = f.client.study(id("NCT02513394"));  // 1.5 MB
  REQUIRE_FALSE(found.has_value());
  CHECK_THAT(found.error().message, Catch::Contains("size cap"));
}

TEST_CASE("an unreachable registry is a network error, and plain http is refused off loopback",
          "[fetch][registry_client]") {
  ClientFixture f(RetryPolicy{.max_attempts = 2});
  f.registry.registry.stop();
  const auto version = f.client.version();
  REQUIRE_FALSE(version.has_value());
  CHECK(version.error().code == Error::Code::network);

  CurlOptions options;
  options.user_agent = "trialwatch-test";
  CurlHttpClient http(options);
  const auto outcome = http.get("http://example.org/api/v2/version");
  REQUIRE(std::holds_alternative<TransportError>(outcome));
  CHECK_THAT(std::get<TransportError>(outcome).message, Catch::Contains("only https"));
  CHECK(is_loopback_url("http://127.0.0.1:8089/api/v2"));
  CHECK(is_loopback_url("http://localhost/x"));
  CHECK_FALSE(is_loopback_url("http://127.example.org/x"));
  CHECK(redact_url("https://hooks.example.com/services/T000/B000/SECRET?x=1") == "https://hooks.example.com/…");
  CHECK(redact_url("https://user:pass@hooks.example.com/x") == "https://hooks.example.com/…");
  CHECK(redact_url("http://127.0.0.1:8089/api/v2") == "http://127.0.0.1:8089/…");
}

TEST_CASE("each study keeps the exact bytes the registry sent, not a re-serialisation", "[fetch][study_page]") {
  const auto page =
      parse_study_page("{\"studies\": [\n  {\"t\": \"caf\\u00e9\", \"n\": 1.50, \"e\": 1E3},\n  {\"b\":2} ]}");
  REQUIRE(page.has_value());
  CHECK(page->studies == std::vector<std::string>{"{\"t\": \"caf\\u00e9\", \"n\": 1.50, \"e\": 1E3}", "{\"b\":2}"});
}

TEST_CASE("the page envelope is read strictly", "[fetch][study_page]") {
  CHECK(parse_study_page("{\"studies\":[\n\n]}").has_value());
  const auto page = parse_study_page(R"({"totalCount":2,"studies":[{"a":1},{"b":2}],"nextPageToken":"x"})");
  REQUIRE(page.has_value());
  CHECK(page->studies == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
  CHECK(page->next_page_token == "x");
  CHECK(page->total_count == 2);
  for (const char* bad : {"", "<html>", "{}", "{\"studies\":{}}", "{\"studies\":[1]}", "{\"studies\":[{}"}) {
    INFO(bad);
    CHECK_FALSE(parse_study_page(bad).has_value());
  }
}

TEST_CASE("history_list() and history_version() ask the website's URLs and return the bodies as received",
          "[fetch][registry_client][history]") {
  ClientFixture f;
  const auto list = f.client.history_list(id("NCT04280705"));
  REQUIRE(list.has_value());
  CHECK_THAT(*list, Catch::StartsWith("{\"study\":") && Catch::Contains("\"history\":{\"changes\":[{\"version\":0"));
  const auto v0 = f.client.history_version(id("NCT04280705"), 0);
  REQUIRE(v0.has_value());
  CHECK(*v0 == trialwatch::testing::read_test_file("ctgov/history/NCT04280705.history-v0.json"));
  const auto requests = f.registry.registry.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].path == "/api/int/studies/NCT04280705");
  CHECK(requests[0].query == "history=true");
  CHECK(requests[1].path == "/api/int/studies/NCT04280705/history/0");
  CHECK(requests[1].query.empty());
  CHECK(f.client.stats().requests == 2);
  CHECK(f.client.stats().bytes == list->size() + v0->size());
}

TEST_CASE("a missing history or version is not_found, apart from every other failure",
          "[fetch][registry_client][history]") {
  ClientFixture f;
  const auto unknown = f.client.history_list(id("NCT09999999"));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Error::Code::not_found);
  CHECK(unknown.error().message == "the registry's website has no history of NCT09999999 (HTTP 404)");
  const auto beyond = f.client.history_version(id("NCT04280705"), 7);
  REQUIRE_FALSE(beyond.has_value());
  CHECK(beyond.error().code == Error::Code::not_found);
  CHECK(beyond.error().message == "the registry's website has no version 7 of NCT04280705 (HTTP 404)");
  CHECK(f.client.stats().retries == 0);  // a 404 is an answer, not a passing failure
  const auto negative = f.client.history_version(id("NCT04280705"), -1);
  REQUIRE_FALSE(negative.has_value());
  CHECK(negative.error().code == Error::Code::invalid_input);
  CHECK(f.registry.registry.requests().size() == 2);  // nothing asked for -1

  f.registry.registry.add_fault(fr::Fault{.path = "^/api/int/", .times = -1, .status = 400, .body = "Bad input"});
  const auto refused = f.client.history_list(id("NCT04280705"));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Error::Code::http_status);
  CHECK_THAT(refused.error().message, Catch::Contains("HTTP 400: Bad input"));
}

TEST_CASE("history requests share the rate limiter and counters with API v2 calls",
          "[fetch][registry_client][history]") {
  ClientFixture f;  // 1 request/s, burst 5
  for (int i = 0; i < 3; ++i) REQUIRE(f.client.version().has_value());
  for (int i = 0; i < 2; ++i) REQUIRE(f.client.history_version(id("NCT04280705"), 0).has_value());
  CHECK(f.sleeper.waits.empty());  // the burst of 5 is spent by both kinds together
  REQUIRE(f.client.history_list(id("NCT04280705")).has_value());
  REQUIRE(f.sleeper.waits.size() == 1);
  CHECK(f.sleeper.waits[0] >= std::chrono::milliseconds(990));
  CHECK(f.sleeper.waits[0] <= std::chrono::milliseconds(1000));
  CHECK(f.client.stats().requests == 6);
}

TEST_CASE("history requests are retried as API v2 calls are, and a 403 is the website being busy, not a block",
          "[fetch][registry_client][history]") {
  ClientFixture f(RetryPolicy{.max_attempts = 4});
  const std::string path = "^/api/int/studies/NCT04280705/history/0$";
  SECTION("429 with Retry-After waits at least that long") {
    f.registry.registry.add_fault(fr::Fault{.path = path, .times = 1, .status = 429, .retry_after = "7"});
    REQUIRE(f.client.history_version(id("NCT04280705"), 0).has_value());
    CHECK(f.client.stats().retries == 1);
    CHECK(*std::max_element(f.sleeper.waits.begin(), f.sleeper.waits.end()) >= std::chrono::seconds(7));
  }
  SECTION("503 twice, then success") {
    f.registry.registry.add_fault(fr::Fault{.path = path, .times = 2, .status = 503});
    REQUIRE(f.client.history_version(id("NCT04280705"), 0).has_value());
    CHECK(f.client.stats().requests == 3);
    CHECK(f.client.stats().retries == 2);
  }
  SECTION("a body cut short is retried") {
    f.registry.registry.add_fault(
        fr::Fault{.path = path, .times = 1, .kind = fr::Fault::Kind::truncate, .truncate_to = 1000});
    const auto v0 = f.client.history_version(id("NCT04280705"), 0);
    REQUIRE(v0.has_value());
    CHECK(v0->size() == 24007);
    CHECK(f.client.stats().retries == 1);
  }
  SECTION("403 without Retry-After: backed off like a 429 and retried; the client is not marked blocked") {
    f.registry.registry.add_fault(fr::Fault{.path = "^/api/int/studies/NCT04280705$", .times = 2, .status = 403});
    REQUIRE(f.client.history_list(id("NCT04280705")).has_value());
    CHECK(f.client.stats().requests == 3);
    CHECK(f.client.stats().retries == 2);
    CHECK_FALSE(f.client.stats().blocked);
    // Capped exponential backoff with the test's jitter of 0.5: 500 ms, then 1 s (never the hour of a block).
    CHECK(f.sleeper.waits ==
          std::vector<std::chrono::nanoseconds>{std::chrono::milliseconds(500), std::chrono::milliseconds(1000)});
  }
  SECTION("403 that does not pass: given up after the attempts, still not blocked") {
    f.registry.registry.add_fault(fr::Fault{.path = "^/api/int/", .times = -1, .status = 403});
    const auto list = f.client.history_list(id("NCT04280705"));
    REQUIRE_FALSE(list.has_value());
    CHECK(list.error().code == Error::Code::http_status);
    CHECK_THAT(list.error().message, Catch::Contains("HTTP 403") && Catch::Contains("gave up after 4 attempts"));
    CHECK_FALSE(f.client.stats().blocked);
    CHECK(f.client.version().has_value());  // API v2 is not affected
  }
  SECTION("an HTML page with 200 is never returned as a history") {
    f.registry.registry.add_fault(fr::Fault{.path = "^/api/int/", .times = -1, .kind = fr::Fault::Kind::html});
    const auto list = f.client.history_list(id("NCT04280705"));
    REQUIRE_FALSE(list.has_value());
    CHECK_THAT(list.error().message, Catch::Contains("text/html"));
    CHECK(f.client.stats().requests == 4);
  }
}

TEST_CASE("the response size cap applies to history answers", "[fetch][registry_client][history]") {
  ClientFixture f(RetryPolicy{.max_attempts = 3}, 10 * 1024);
  const auto v0 = f.client.history_version(id("NCT04280705"), 0);  // 24 KB
  REQUIRE_FALSE(v0.has_value());
  CHECK(v0.error().code == Error::Code::too_large);
  CHECK_THAT(v0.error().message, Catch::Contains("size cap"));
  CHECK(f.client.stats().requests == 1);  // asking again cannot help
}
