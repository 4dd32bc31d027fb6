// SPDX-License-Identifier: MIT
// The registry client over real HTTP (libcurl) against the fake registry on loopback; only time is simulated.

#include "fetch/registry_client.hpp"

#include "fetch/curl_http_client.hpp"
#include "fetch/study_page.hpp"
#include "tests/fakeregistry/registry_fixture.hpp"
#include "tests/support/manual_clock.hpp"

#include <catch2/catch.hpp>

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
  const auto rejected = f.client.by_ids(ids, "NCTId", 1000, [&](const std::string& json) {
    seen.push_back(json);
    return trialwatch::core::Result<trialwatch::core::Ok>(trialwatch::core::Ok{});
  });
  REQUIRE(rejected.has_value());
  CHECK(*rejected == std::vector<NctId>{id("NCT04280705")});
  CHECK(seen.size() == 2);
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

TEST_CASE("one page parser reads page after page: a long page leaves nothing behind for a shorter one",
          "[fetch][study_page]") {
  StudyPageParser parser;
  const std::string long_page =
      R"({"studies":[{"a":")" + std::string(100000, 'x') + R"("},{"b":2}],"nextPageToken":"t1","totalCount":3})";
  const auto first = parser.parse(long_page);
  REQUIRE(first.has_value());
  REQUIRE(first->studies.size() == 2);
  CHECK(first->studies[0].size() == 100008);
  CHECK(first->next_page_token == "t1");
  // Shorter than the first: a parser that read past this page's end would see the long page's bytes.
  const auto second = parser.parse(R"({"studies":[{"c":3}]})");
  REQUIRE(second.has_value());
  CHECK(second->studies == std::vector<std::string>{"{\"c\":3}"});
  CHECK_FALSE(second->next_page_token.has_value());
  CHECK_FALSE(second->total_count.has_value());
  // Cut short where the long page had more: still an error, not the long page's remainder.
  CHECK_FALSE(parser.parse(R"({"studies":[{"a":"xx)").has_value());
  CHECK_FALSE(parser.parse(R"({"studies":[{"c":3}])").has_value());
  const auto third = parser.parse(R"({"studies":[]})");
  REQUIRE(third.has_value());
  CHECK(third->studies.empty());
}

TEST_CASE("a released page parser reads the next page as a new one would", "[fetch][study_page]") {
  StudyPageParser parser;
  parser.release();  // before any page: nothing to free
  REQUIRE(parser.parse(R"({"studies":[{"a":1}]})").has_value());
  parser.release();
  const auto page = parser.parse(R"({"studies":[{"b":2}],"totalCount":1})");
  REQUIRE(page.has_value());
  CHECK(page->studies == std::vector<std::string>{"{\"b\":2}"});
  CHECK(page->total_count == 1);
}
