// SPDX-License-Identifier: MIT
// The in-memory registry the cycle tests run against, checked through the real registry client.
#include "tests/daemon/fake_http_client.hpp"

#include "fetch/rate_limiter.hpp"
#include "fetch/registry_client.hpp"
#include "fetch/sleeper.hpp"
#include "tests/support/manual_clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace trialwatch;
using testing::FakeHttpClient;

namespace {

// Never waits: the rate limiter's delays do not matter here.
class NoSleeper final : public fetch::Sleeper {
 public:
  bool sleep_for(std::chrono::nanoseconds) override { return true; }
};

core::NctId id(const char* text) { return *core::NctId::parse(text); }

// A registry client talking to a FakeHttpClient that serves three small documents.
struct ClientFixture {
  ClientFixture() {
    for (const char* nct_id : {"NCT00000001", "NCT00000002", "NCT00000003"})
      fake.put(nct_id, std::string(R"({"protocolSection":{"identificationModule":{"nctId":")") + nct_id + "\"}}}");
  }

  // Return the NCT IDs `ids` visits with `page_size` studies a page, and what it skipped.
  std::vector<std::string> visit(const std::vector<core::NctId>& ids, int page_size, fetch::SkippedIds& skipped) {
    std::vector<std::string> seen;
    auto result = client.by_ids(ids, "", page_size, [&](std::string json) -> core::Result<core::Ok> {
      seen.push_back(json.substr(json.find("NCT"), 11));
      return core::Ok{};
    });
    REQUIRE(result);
    skipped = *result;
    return seen;
  }

  FakeHttpClient fake;
  testing::ManualClock clock;
  fetch::RateLimiter limiter{clock, 1.0, 5.0};
  NoSleeper sleeper;
  fetch::RegistryClient client{fake, limiter, sleeper, [] { return 0.5; },
                               [] {
                                 fetch::RegistryClientOptions options;
                                 options.base_url = FakeHttpClient::k_base_url;
                                 options.retry.max_attempts = 1;
                                 return options;
                               }()};
};

}  // namespace

TEST_CASE("the fake registry serves the version, pages by ID and single studies", "[daemon][fake]") {
  ClientFixture f;
  f.fake.data_timestamp = "2026-09-01T09:00:05";
  const auto version = f.client.version();
  REQUIRE(version);
  CHECK(version->data_timestamp == "2026-09-01T09:00:05");

  fetch::SkippedIds skipped;
  CHECK(f.visit({id("NCT00000003"), id("NCT00000001"), id("NCT00000009")}, 1, skipped) ==
        std::vector<std::string>{"NCT00000003", "NCT00000001"});  // a page each, the unknown ID left out
  CHECK(f.fake.count(FakeHttpClient::is_full_page) == 2);
  CHECK(f.fake.requests()[2] == std::string(FakeHttpClient::k_base_url) +
                                    "/studies?filter.ids=NCT00000003,NCT00000001,NCT00000009&pageSize=1&pageToken=1");

  const auto found = f.client.study(id("NCT00000002"));
  REQUIRE(found);
  CHECK(found->kind == fetch::StudyLookup::Kind::found);
  f.fake.alias("NCT00000002", "NCT00000003");
  const auto moved = f.client.study(id("NCT00000002"));
  REQUIRE(moved);
  CHECK(moved->kind == fetch::StudyLookup::Kind::moved);
  CHECK(moved->moved_to == "NCT00000003");
  f.fake.remove("NCT00000001");
  const auto gone = f.client.study(id("NCT00000001"));
  REQUIRE(gone);
  CHECK(gone->kind == fetch::StudyLookup::Kind::not_found);
}

TEST_CASE("the fake registry rejects a listed ID by its item number and answers scripted failures", "[daemon][fake]") {
  ClientFixture f;
  f.fake.reject("NCT00000002");
  fetch::SkippedIds skipped;
  CHECK(f.visit({id("NCT00000001"), id("NCT00000002"), id("NCT00000003")}, 10, skipped) ==
        std::vector<std::string>{"NCT00000001", "NCT00000003"});
  CHECK(skipped.rejected == std::vector<core::NctId>{id("NCT00000002")});

  f.fake.fail_when(FakeHttpClient::is_watermark_page, 503, "busy");
  const auto failed = f.client.by_ids({id("NCT00000001")}, "NCTId", 10, [](std::string) { return core::Ok{}; });
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("HTTP 503") != std::string::npos);
  f.fake.heal();
  CHECK(f.client.by_ids({id("NCT00000001")}, "NCTId", 10, [](std::string) { return core::Ok{}; }));
}
