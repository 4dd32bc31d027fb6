// SPDX-License-Identifier: MIT
// The fault matrix (issue #9): each case runs real `trialwatchd --once` cycles against the fake registry with one
// injected fault and checks what docs/reliability.md promises: the documented exit code, no invented event, no
// watermark moved on partial data, and, once the fault clears, a next cycle that converges to the database of a
// fault-free run over the same data (the same event ids, the same latest version of every study, the same
// watermark). The process exits after each cycle, so "keeps running" means: the next cycle starts and completes.

#include "tests/fakeregistry/edits.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/ports.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <functional>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::test_data_dir;

namespace {

using trialwatch::testing::k_scenario_studies;
const std::string k_studies = "^/api/v2/studies$";

// What a fault must not change and a recovery must restore.
struct Snapshot {
  std::set<std::string> event_ids;
  std::map<std::string, std::pair<int, std::string>> latest;  // NCT ID -> (latest version, its hash)
  std::optional<std::string> watermark;                       // the dataTimestamp of the last completed cycle
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const DaemonFixture& f) {
  auto db = trialwatch::store::Database::open(f.db_path(), trialwatch::store::OpenMode::read_only);
  Snapshot s;
  for (const auto& e : trialwatch::store::Queries(db).events({})) s.event_ids.insert(e.id);
  const auto studies = trialwatch::store::Versions(db).studies();
  for (std::size_t i = 0; i < studies.numbers.size(); ++i)
    s.latest[fmt::format("NCT{:08}", studies.numbers[i])] = {studies.states[i].latest_version, studies.states[i].hash};
  s.watermark = trialwatch::store::Runs(db).completed_data_timestamp();
  return s;
}

// The configuration of a matrix run: `api` lines in [api], discovery off (its requests are not under test).
void configure(DaemonFixture& f, const std::vector<std::string>& tracked, const std::string& api) {
  f.api_settings = api;
  f.write_config(tracked, trialwatch::testing::k_without_discovery);
}

// Run one cycle against `base_url` instead of the fake registry.
ProcessResult run_against(const DaemonFixture& f, const std::string& base_url) {
  return trialwatch::testing::run_process(f.once_argv(base_url), trialwatch::testing::isolated_env());
}

// The dataTimestamp the fake registry serves now.
std::string served_timestamp(DaemonFixture& f) {
  std::string timestamp;
  f.registry.registry.modify([&](fr::RegistryData& data) { timestamp = data.data_timestamp; });
  return timestamp;
}

fr::Scenario two_days() {
  fr::Scenario s = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  s.days.resize(2);  // the baseline, then NCT06613490's status change
  return s;
}

// A sponsor update of the two biggest recorded studies (a new lastUpdatePostDate), so both are fetched in full.
void update_big_records(DaemonFixture& f) {
  f.registry.registry.modify([](fr::RegistryData& data) {
    for (const char* id : {"NCT02513394", "NCT04267848"})
      fr::edits::bump_last_update(*data.find_mutable(id), "2026-09-02");
  });
}

// The same, and the 777 KB record grows past 1 MiB on its own (a 400 KB description).
void grow_big_record(DaemonFixture& f) {
  update_big_records(f);
  f.registry.registry.modify([](fr::RegistryData& data) {
    data.find_mutable("NCT02513394")
        ->ensure_path("protocolSection.descriptionModule")
        .set("detailedDescription", fr::Json::string(std::string(400 * 1024, 'x')));
  });
}

// A listening socket whose accept queue is full, so a further connection attempt is never answered.
class BlackHole {
 public:
  BlackHole() {
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) == 0);
    REQUIRE(::listen(m_listener, 0) == 0);
    REQUIRE(::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    m_port = ntohs(address.sin_port);
    for (int i = 0; i < 4; ++i) {  // fill the queue; these connections are never accepted
      const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      (void)::connect(client, reinterpret_cast<sockaddr*>(&address), length);
      m_fillers.push_back(client);
    }
  }
  ~BlackHole() {
    for (const int fd : m_fillers) ::close(fd);
    ::close(m_listener);
  }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  int port() const { return m_port; }

 private:
  int m_listener = -1;
  int m_port = 0;
  std::vector<int> m_fillers;
};

// One row of the matrix.
struct FaultCase {
  std::string name;
  std::string api;                                            // extra [api] lines for the faulty cycle
  std::function<ProcessResult(DaemonFixture&)> faulty_cycle;  // inject the fault and run one cycle
  int exit_code;                                              // of the faulty cycle
  std::string says{};                                         // text the faulty cycle must log, if any
  std::function<void(DaemonFixture&)> edit{};                 // registry edits both twins see before the cycle
};

ProcessResult with_fault(DaemonFixture& f, fr::Fault fault) {
  f.registry.registry.add_fault(std::move(fault));
  return f.run_once();
}

std::vector<FaultCase> matrix() {
  using K = fr::Fault::Kind;
  const std::string one_try = "max_attempts = 1";
  return {
      {"403 on the watermark pass", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies, .query_contains = "fields=", .times = -1, .status = 403});
       },
       75},
      {"429 with Retry-After, then the answer", "max_attempts = 2",
       [](DaemonFixture& f) {
         return with_fault(
             f, {.path = k_studies, .query_contains = "fields=", .times = 1, .status = 429, .retry_after = "1"});
       },
       0},
      {"500 on the full fetch", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies,
                               .query_contains = trialwatch::testing::k_full_fetch_query,
                               .times = -1,
                               .status = 500});
       },
       75},
      {"503 on /version", one_try,
       [](DaemonFixture& f) { return with_fault(f, {.path = "^/api/v2/version$", .times = -1, .status = 503}); }, 75},
      {"no answer within the timeout", one_try + "\ntimeout = \"1s\"",
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies, .times = -1, .kind = K::delay, .delay_ms = 3000});
       },
       75},
      {"a stalled body (below 1 KiB/s for the stall timeout)", one_try + "\nstall_timeout = \"1s\"",
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies,
                               .query_contains = trialwatch::testing::k_full_fetch_query,
                               .times = -1,
                               .kind = K::drip,
                               .drip_bytes = 16,
                               .drip_interval_ms = 1000});
       },
       75},
      {"a slow drip that keeps moving", one_try + "\nstall_timeout = \"1s\"",
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies,
                               .query_contains = trialwatch::testing::k_full_fetch_query,
                               .times = -1,
                               .kind = K::drip,
                               .drip_bytes = 16384,
                               .drip_interval_ms = 50});
       },
       0},
      {"a truncated body", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies,
                               .query_contains = trialwatch::testing::k_full_fetch_query,
                               .times = -1,
                               .kind = K::truncate,
                               .truncate_to = 300});
       },
       75},
      {"a connection closed before the body", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies, .query_contains = "fields=", .times = -1, .kind = K::reset});
       },
       75},
      {"an HTML page with 200", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies, .query_contains = "fields=", .times = -1, .kind = K::html});
       },
       75},
      {"invalid JSON with 200", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies,
                               .query_contains = trialwatch::testing::k_full_fetch_query,
                               .times = -1,
                               .kind = K::invalid_json});
       },
       75},
      {"a page that silently omits a study (it is fetched alone, not recorded as removed)", one_try,
       [](DaemonFixture& f) {
         return with_fault(
             f, {.path = k_studies, .query_contains = "fields=", .times = -1, .kind = K::omit, .body = "NCT04280705"});
       },
       0},
      {"a study omitted and its confirmation failing (no removal without a 404)", one_try,
       [](DaemonFixture& f) {
         f.registry.registry.add_fault(
             {.path = k_studies, .query_contains = "fields=", .times = -1, .kind = K::omit, .body = "NCT00763412"});
         return with_fault(f, {.path = "^/api/v2/studies/NCT00763412$", .times = -1, .status = 503});
       },
       75},
      {"400 'incorrect format' for one ID of a batch", one_try,
       [](DaemonFixture& f) {
         return with_fault(f, {.path = k_studies,
                               .query_contains = "NCT04280705",
                               .times = -1,
                               .status = 400,
                               .body = "The value of parameter `filter.ids` has incorrect format"});
       },
       0, "the registry rejects NCT04280705 as malformed"},
      {"a connection refused", one_try,
       [](DaemonFixture& f) {
         return run_against(f, "http://127.0.0.1:" + std::to_string(trialwatch::testing::free_port()) + "/api/v2");
       },
       75},
      {"a connection never accepted (connect timeout)", one_try + "\nconnect_timeout = \"1s\"",
       [](DaemonFixture& f) {
         const BlackHole hole;
         return run_against(f, "http://127.0.0.1:" + std::to_string(hole.port()) + "/api/v2");
       },
       75},
      {"a name that does not resolve", one_try + "\nconnect_timeout = \"5s\"",
       [](DaemonFixture& f) { return run_against(f, "https://registry.invalid/api/v2"); }, 75},
      // A sponsor update of the 777 KB record: the full-fetch page with it and NCT04267848 exceeds 1 MiB, and is
      // asked for again in halves.
      {"a page over the size cap", one_try + "\nmax_response_mib = 1", [](DaemonFixture& f) { return f.run_once(); }, 0,
       "", update_big_records},
      {"a document over the size cap", one_try + "\nmax_response_mib = 1",
       [](DaemonFixture& f) { return f.run_once(); }, 75, "exceeded the 1 MiB size cap", grow_big_record},
  };
}

}  // namespace

TEST_CASE("every fault of the matrix records nothing false and the next cycle converges", "[integration][faults]") {
  for (const auto& fault : matrix()) {
    DYNAMIC_SECTION(fault.name) {
      const bool big = fault.name.find("size cap") != std::string::npos;
      std::vector<std::string> tracked = k_scenario_studies;
      if (big) tracked.insert(tracked.end(), {"NCT02513394", "NCT04267848"});
      DaemonFixture faulty(two_days(), tracked);
      DaemonFixture clean(two_days(), tracked);
      configure(faulty, tracked, "max_attempts = 1");
      configure(clean, tracked, "max_attempts = 1");
      REQUIRE(faulty.run_once().exit_code == 0);
      REQUIRE(clean.run_once().exit_code == 0);
      REQUIRE(faulty.registry.registry.advance_day());
      REQUIRE(clean.registry.registry.advance_day());
      const Snapshot before = snapshot(faulty);

      configure(faulty, tracked, fault.api);
      if (fault.edit) fault.edit(faulty);
      const auto result = fault.faulty_cycle(faulty);
      INFO(result.output);
      CHECK(result.exit_code == fault.exit_code);
      if (!fault.says.empty()) CHECK_THAT(result.output, Catch::Contains(fault.says));
      if (fault.edit) fault.edit(clean);  // the clean run sees the same registry
      REQUIRE(clean.run_once().exit_code == 0);
      if (fault.exit_code != 0) {
        CHECK(snapshot(faulty) == before);  // nothing recorded, the watermark where it was
      } else {
        CHECK(snapshot(faulty) == snapshot(clean));  // recovered within the cycle: exactly the clean result
      }

      faulty.registry.registry.clear_faults();
      configure(faulty, tracked, "max_attempts = 1");
      const auto recovered = faulty.run_once();
      INFO(recovered.output);
      CHECK(recovered.exit_code == 0);
      CHECK(snapshot(faulty) == snapshot(clean));
    }
  }
}

TEST_CASE("a /version that goes backwards records nothing until the registry catches up", "[integration][faults]") {
  fr::Scenario scenario = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  scenario.days.resize(3);
  DaemonFixture f(std::move(scenario), k_scenario_studies);
  configure(f, k_scenario_studies, "max_attempts = 1");
  REQUIRE(f.run_once().exit_code == 0);
  REQUIRE(f.registry.registry.advance_day());
  REQUIRE(f.run_once().exit_code == 0);
  const Snapshot synced = snapshot(f);
  REQUIRE(synced.watermark == served_timestamp(f));

  f.registry.registry.go_to_day(0);  // a rollback, or a stale mirror behind a load balancer
  f.registry.registry.clear_requests();
  const auto stale = f.run_once();
  INFO(stale.output);
  CHECK(stale.exit_code == 0);
  CHECK_THAT(stale.output, Catch::Contains("older than"));
  CHECK(snapshot(f) == synced);  // the older documents are not recorded as reverted changes
  CHECK(f.registry.registry.requests().size() == 1);

  f.registry.registry.go_to_day(2);
  REQUIRE(f.run_once().exit_code == 0);
  const Snapshot caught_up = snapshot(f);
  CHECK(caught_up.watermark == served_timestamp(f));
  CHECK(caught_up.event_ids.size() > synced.event_ids.size());
}
