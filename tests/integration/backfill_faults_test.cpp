// SPDX-License-Identifier: MIT
// The fault matrix on the backfill path: each row injects one fault on the website's history endpoints into a real
// `trialwatchd --once` and checks what docs/history.md promises: the sync completes (exit 0) with the same live
// record as a fault-free run, the backfill says one sentence and invents nothing (its past events are a part of
// the fault-free ones), and once the fault clears and the retry is due, the past is exactly the fault-free past.

#include "tests/integration/backfill_fixture.hpp"
#include "tests/support/ports.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::Backfilling;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::past_ids;

namespace {

const std::string k_study = "NCT04280705";
const std::string k_list = "^/api/int/studies/" + k_study + "$";
const std::string k_version_1 = "^/api/int/studies/" + k_study + "/history/1$";

// One row of the matrix: extra [api] and [history] lines, and the fault on the history endpoints.
struct BackfillFault {
  std::string name;
  std::string api;  // [api] lines besides the rate
  fr::Fault fault;
  std::string history_base{};  // a [history] base_url instead of the fake registry's
  bool recovers_in_cycle = false;
};

std::vector<BackfillFault> matrix() {
  using K = fr::Fault::Kind;
  const std::string one_try = "max_attempts = 1";
  const std::string dead = "http://127.0.0.1:" + std::to_string(trialwatch::testing::free_port()) + "/api/int";
  return {
      {"500 on the list", one_try, {.path = k_list, .times = -1, .status = 500}},
      {"403 at a busy hour on a version", one_try, {.path = k_version_1, .times = -1, .status = 403}},
      {"429 with Retry-After, then the answer",
       "max_attempts = 2",
       {.path = k_version_1, .times = 1, .status = 429, .retry_after = "1"},
       "",
       true},
      {"no answer within the timeout",
       one_try + "\ntimeout = \"1s\"",
       {.path = k_version_1, .times = -1, .kind = K::delay, .delay_ms = 3000}},
      {"a truncated version", one_try, {.path = k_version_1, .times = -1, .kind = K::truncate, .truncate_to = 300}},
      {"a connection closed before the list", one_try, {.path = k_list, .times = -1, .kind = K::reset}},
      {"an HTML page with 200", one_try, {.path = k_version_1, .times = -1, .kind = K::html}},
      {"invalid JSON with 200", one_try, {.path = k_list, .times = -1, .kind = K::invalid_json}},
      {"a list of another shape", one_try, {.path = k_list, .times = -1, .kind = K::json, .body = R"({"history":7})"}},
      {"a version of another study",
       one_try,
       {.path = k_version_1,
        .times = -1,
        .kind = K::json,
        .body = R"({"studyVersion":1,"study":{"protocolSection":{"identificationModule":{"nctId":"NCT00763412"}}}})"}},
      {"a history site that refuses connections", one_try, {}, dead},
  };
}

// The live record: every event but the past ones.
std::vector<std::string> live_ids(const DaemonFixture& f) {
  std::vector<std::string> ids;
  for (const auto& event : f.events())
    if (event.provenance != trialwatch::core::Provenance::registry_history) ids.push_back(event.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void configure(Backfilling& b, const BackfillFault& row, bool faulty) {
  b.f.api_settings = faulty ? row.api : "max_attempts = 1";
  b.f.history_settings = "[history]\nbackfill = \"full\"\n";
  if (faulty && !row.history_base.empty()) b.f.history_settings += "base_url = \"" + row.history_base + "\"\n";
  b.f.write_config({k_study}, trialwatch::testing::k_without_discovery);
}

}  // namespace

TEST_CASE("every fault on the backfill path leaves the sync whole, invents nothing, and the retry converges",
          "[integration][backfill][faults]") {
  const Backfilling clean("full");
  REQUIRE(clean.f.run_once().exit_code == 0);
  const auto clean_past = past_ids(clean.f);
  REQUIRE(clean_past.size() >= 2);

  for (const auto& row : matrix()) {
    DYNAMIC_SECTION(row.name) {
      Backfilling b("full");
      configure(b, row, true);
      if (row.history_base.empty()) b.f.registry.registry.add_fault(row.fault);
      const auto faulty = b.f.run_once();
      INFO(faulty.output);
      CHECK(faulty.exit_code == 0);  // the sync is never held up by the backfill
      CHECK(live_ids(b.f) == live_ids(clean.f));
      const auto past = past_ids(b.f);
      CHECK(std::includes(clean_past.begin(), clean_past.end(), past.begin(), past.end()));
      if (row.recovers_in_cycle) {
        CHECK(past == clean_past);
        return;
      }
      CHECK_THAT(faulty.output, Catch::Contains("backfill of " + k_study + ": "));
      CHECK(past != clean_past);
      CHECK(trialwatch::testing::backfill_progress(b.f).failing == 1);

      b.f.registry.registry.clear_faults();
      configure(b, row, false);
      trialwatch::testing::make_retries_due(b.f);
      const auto retry = b.f.run_once();
      INFO(retry.output);
      CHECK(retry.exit_code == 0);
      CHECK(past_ids(b.f) == clean_past);
      CHECK(trialwatch::testing::documents_stored(b.f) == std::vector<bool>{true, true});
      CHECK(trialwatch::testing::backfill_progress(b.f).waiting == 0);
    }
  }
}
