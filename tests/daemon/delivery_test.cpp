// SPDX-License-Identifier: MIT
// The outbox and its delivery worker on a real database, with a real exec channel (a shell script that writes
// what it receives); only time is a ManualClock.
#include "daemon/delivery.hpp"

#include "fetch/curl_http_client.hpp"
#include "notify/exec_channel.hpp"
#include "notify/http_channels.hpp"
#include "store/database.hpp"
#include "store/outbox.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>

using namespace trialwatch;
using namespace std::chrono_literals;

namespace {

const core::NctId k_id = *core::NctId::parse("NCT06613490");

// A receiver script: appends one line per call to calls.log, saves stdin as <event id>.json, and fails while
// the file `fail` exists.
struct Receiver {
  explicit Receiver(const std::filesystem::path& dir) : folder(dir) {
    std::ofstream(script()) << "#!/bin/sh\n"
                               "echo \"$TRIALWATCH_EVENT $TRIALWATCH_NCT_ID $TRIALWATCH_EVENT_ID\" >> '"
                            << (dir / "calls.log").string() << "'\n"
                            << "[ -e '" << (dir / "fail").string() << "' ] && exit 3\n"
                            << "cat > '" << dir.string() << "/'\"$TRIALWATCH_EVENT_ID\".json\n"
                            << "echo \"$TRIALWATCH_TITLE|$TRIALWATCH_STUDY_URL\" > '" << (dir / "env.txt").string()
                            << "'\n";
  }
  std::filesystem::path script() const { return folder / "receive.sh"; }
  std::vector<std::string> calls() const {
    std::ifstream in(folder / "calls.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  void fail(bool on) const {
    if (on)
      std::ofstream(folder / "fail") << "1";
    else
      std::filesystem::remove(folder / "fail");
  }
  std::filesystem::path folder;
};

struct Fixture {
  Fixture() : db(store::Database::open(dir.path() / "t.db", store::OpenMode::read_write)), versions(db), outbox(db) {
    store::WatchList(db).track(k_id, "config", "", clock.now());
  }
  // Store a version of the study with one results_posted event routed to channel "lab"; return the event id.
  std::string store_results_posted(int n) { return store_event(n, core::EventType::results_posted); }
  // Store a version of the study with one event of `type` routed to channel "lab"; return the event id.
  std::string store_event(int n, core::EventType type) {
    store::NewVersion v{
        k_id, fmt::format(R"({{"n":{}}})", n), fmt::format("h{}", n), {}, "t", clock.now(), {}, {}, {}, {}, {}};
    v.summary.title = "CD19 CAR-NK cells";
    v.events.push_back(core::ChangeEvent{type, core::Provenance::sponsor_update,
                                         "protocolSection.statusModule.resultsFirstPostDateStruct", "",
                                         "\"2026-09-04\"", "Results were posted on 2026-09-04"});
    v.event_ids.push_back("event-" + std::to_string(n));
    v.channels.push_back({"lab"});
    REQUIRE(versions.record_version(v).has_value());
    return v.event_ids.back();
  }
  daemon::DeliveryWorker worker(const Receiver& receiver, std::chrono::milliseconds timeout = 5s) {
    daemon::DeliveryWorker w(
        outbox, versions, clock, logger, [] { return 0.999999; }, fetch::CurlOptions{},
        core::Credentials(dir.path(), true));
    w.add_channel(
        "lab", std::make_unique<notify::ExecChannel>(std::vector<std::string>{"/bin/sh", receiver.script()}, timeout),
        24h);
    return w;
  }

  testing::TempDir dir;
  testing::ManualClock clock;
  core::Logger logger{core::LogLevel::error};
  store::Database db;
  store::Versions versions;
  store::Outbox outbox;
};

}  // namespace

TEST_CASE("an event routed to a channel is delivered once, with its JSON on stdin and its facts in the environment",
          "[daemon][delivery]") {
  Fixture f;
  const Receiver receiver(f.dir.path());
  const auto id = f.store_results_posted(1);
  CHECK(f.outbox.counts().pending == 1);  // written with the event
  auto worker = f.worker(receiver);
  CHECK(worker.run() == 1);
  CHECK(worker.run() == 0);  // exactly once
  REQUIRE(receiver.calls().size() == 1);
  CHECK(receiver.calls()[0] == "results_posted NCT06613490 " + id);
  const auto json = testing::read_file(f.dir.path() / (id + ".json"));
  CHECK_THAT(json, Catch::StartsWith("{\"id\":\"" + id + "\",\"nct_id\":\"NCT06613490\",\"type\":\"results_posted\""));
  CHECK(testing::read_file(f.dir.path() / "env.txt") ==
        "CD19 CAR-NK cells|https://clinicaltrials.gov/study/NCT06613490?tab=results\n");
  CHECK(f.outbox.counts().delivered == 1);
  CHECK(f.outbox.counts().pending == 0);
}

TEST_CASE("a failed delivery is retried after a backoff, then delivered once", "[daemon][delivery]") {
  Fixture f;
  const Receiver receiver(f.dir.path());
  f.store_results_posted(1);
  auto worker = f.worker(receiver);
  receiver.fail(true);
  CHECK(worker.run() == 0);
  CHECK(receiver.calls().size() == 1);
  CHECK(worker.run() == 0);  // not due yet: no second call
  CHECK(receiver.calls().size() == 1);
  f.clock.advance(29s);
  CHECK(worker.run() == 0);
  CHECK(receiver.calls().size() == 1);
  f.clock.advance(2s);  // 30 s after the failure
  CHECK(worker.run() == 0);
  CHECK(receiver.calls().size() == 2);  // tried again, failed again; next wait doubles
  receiver.fail(false);
  f.clock.advance(59s);
  CHECK(worker.run() == 0);  // the second wait is 60 s
  CHECK(receiver.calls().size() == 2);
  f.clock.advance(2s);
  CHECK(worker.run() == 1);
  CHECK(receiver.calls().size() == 3);
  CHECK(worker.run() == 0);
  CHECK(f.outbox.counts().delivered == 1);
}

TEST_CASE("a delivery that cannot succeed within max_age is dead, and a hung receiver is killed",
          "[daemon][delivery]") {
  Fixture f;
  const Receiver receiver(f.dir.path());
  f.store_results_posted(1);
  auto worker = f.worker(receiver);
  receiver.fail(true);
  for (int hour = 0; hour < 26; ++hour) {
    worker.run();
    f.clock.advance(1h);
  }
  CHECK(f.outbox.counts().dead == 1);
  CHECK(f.outbox.counts().pending == 0);
  const auto tries = receiver.calls().size();
  CHECK(tries >= 3);
  CHECK(worker.run() == 0);
  CHECK(receiver.calls().size() == tries);  // dead stays dead

  notify::ExecChannel sleepy({"/bin/sleep", "5"}, 200ms);
  const auto result = sleepy.deliver(notify::Notification{});
  CHECK_FALSE(result.delivered);
  CHECK_THAT(result.error, Catch::Contains("ran longer than 200 ms and was killed"));
}

TEST_CASE("a webhook answering 503 then 200 is delivered once, both tries with the same webhook-id",
          "[daemon][delivery]") {
  Fixture f;
  std::vector<std::string> ids;
  testing::LoopbackServer receiver;
  receiver.routes().Post("/hook", [&](const httplib::Request& request, httplib::Response& response) {
    ids.push_back(request.get_header_value("webhook-id"));
    response.status = ids.size() == 1 ? 503 : 200;
  });
  receiver.start();

  fetch::CurlOptions options;
  options.user_agent = "trialwatch-test";
  fetch::CurlHttpClient http(options);
  daemon::DeliveryWorker worker(
      f.outbox, f.versions, f.clock, f.logger, [] { return 0.0; }, options, core::Credentials(f.dir.path(), true));
  worker.add_channel("lab",
                     std::make_unique<notify::WebhookChannel>(http, f.clock, receiver.url("/hook"), std::nullopt), 24h);
  const auto id = f.store_results_posted(1);
  CHECK(worker.run() == 0);
  f.clock.advance(15s);  // the first retry waits 30 s x 50 % (jitter at its lowest)
  CHECK(worker.run() == 1);
  CHECK(worker.run() == 0);
  receiver.stop();
  CHECK(ids == std::vector<std::string>{id, id});
  CHECK(f.outbox.counts().delivered == 1);
}

TEST_CASE("a receiver slower than the channel's timeout is a failed try, retried later", "[daemon][delivery]") {
  Fixture f;
  std::atomic<int> calls{0};
  testing::LoopbackServer receiver;
  receiver.routes().Post("/hook", [&](const httplib::Request&, httplib::Response& response) {
    if (++calls == 1) std::this_thread::sleep_for(2500ms);  // the first answer comes too late
    response.status = 200;
  });
  const int port = receiver.start();
  const auto credentials = f.dir.path() / "credentials";
  std::filesystem::create_directories(credentials);
  std::ofstream(credentials / "lab_url") << "http://127.0.0.1:" << port << "/hook\n";
  std::filesystem::permissions(credentials / "lab_url", std::filesystem::perms::owner_read);

  core::NotifyConfig config;
  config.name = "lab";
  config.type = core::NotifyConfig::Type::webhook;
  config.url_credential = "lab_url";
  config.timeout = 1s;
  fetch::CurlOptions options;
  options.user_agent = "trialwatch-test";
  daemon::DeliveryWorker worker(
      f.outbox, f.versions, f.clock, f.logger, [] { return 0.0; }, options, core::Credentials(credentials, true));
  worker.configure({config});
  f.store_results_posted(1);
  CHECK(worker.run() == 0);  // timed out after 1 s
  CHECK(f.outbox.counts().pending == 1);
  f.clock.advance(15s);
  CHECK(worker.run() == 1);
  receiver.stop();
  CHECK(calls == 2);
}

namespace {

// Run the rest of the test in UTC, so local-time windows are predictable; the previous zone comes back after.
struct UtcZone {
  UtcZone() {
    if (const char* tz = std::getenv("TZ")) previous = tz;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  ~UtcZone() {
    if (previous)
      setenv("TZ", previous->c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  std::optional<std::string> previous;
};

core::NotifyConfig exec_config(const Receiver& receiver) {
  core::NotifyConfig config;
  config.name = "lab";
  config.type = core::NotifyConfig::Type::exec;
  config.command = {"/bin/sh", receiver.script().string()};
  return config;
}

}  // namespace

TEST_CASE("a daily digest holds other events for one message at its hour, results go at once", "[daemon][delivery]") {
  const UtcZone utc;
  Fixture f;  // the clock starts at 2026-11-24 12:00 UTC
  const Receiver receiver(f.dir.path());
  auto config = exec_config(receiver);
  config.daily_digest = true;
  config.digest_hour = 8;
  daemon::DeliveryWorker worker(
      f.outbox, f.versions, f.clock, f.logger, [] { return 0.0; }, fetch::CurlOptions{},
      core::Credentials(f.dir.path(), true));
  worker.configure({config});
  f.store_event(1, core::EventType::status_changed);
  f.store_event(2, core::EventType::dates_changed);
  const auto results = f.store_results_posted(3);
  CHECK(worker.run() == 1);  // results_posted, alone and at once
  REQUIRE(receiver.calls().size() == 1);
  CHECK(receiver.calls()[0] == "results_posted NCT06613490 " + results);
  f.clock.advance(19h + 59min);  // 07:59 the next day
  CHECK(worker.run() == 0);
  f.clock.advance(1min);  // 08:00
  CHECK(worker.run() == 2);
  const auto calls = receiver.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[1] == "digest  digest-event-1-2");  // one message for both
  const auto body = testing::read_file(f.dir.path() / "digest-event-1-2.json");
  CHECK_THAT(body, Catch::StartsWith("[{\"id\":\"event-1\"") && Catch::Contains("{\"id\":\"event-2\""));
  CHECK(f.outbox.counts().delivered == 3);
  CHECK(worker.run() == 0);
}

TEST_CASE("quiet hours defer everything but results, which go at once", "[daemon][delivery]") {
  const UtcZone utc;
  Fixture f;
  f.clock.advance(11h);  // 23:00
  const Receiver receiver(f.dir.path());
  auto config = exec_config(receiver);
  config.quiet_hours = std::pair<int, int>{22 * 60, 7 * 60};
  daemon::DeliveryWorker worker(
      f.outbox, f.versions, f.clock, f.logger, [] { return 0.0; }, fetch::CurlOptions{},
      core::Credentials(f.dir.path(), true));
  worker.configure({config});
  const auto status = f.store_event(1, core::EventType::status_changed);
  f.store_results_posted(2);
  CHECK(worker.run() == 1);  // results do not wait for the morning
  CHECK(receiver.calls().size() == 1);
  f.clock.advance(7h + 59min);  // 06:59
  CHECK(worker.run() == 0);
  f.clock.advance(1min);  // 07:00: the window is over
  CHECK(worker.run() == 1);
  REQUIRE(receiver.calls().size() == 2);
  CHECK(receiver.calls()[1] == "status_changed NCT06613490 " + status);
}

TEST_CASE("a webhook receiver that is down, then up, gets the notification exactly once", "[daemon][delivery]") {
  Fixture f;
  testing::LoopbackServer receiver;
  std::atomic<int> calls{0};
  receiver.routes().Post("/hook", [&](const httplib::Request&, httplib::Response& response) {
    ++calls;
    response.status = 204;
  });
  const int port = testing::free_port();  // nobody listens there: connections are refused until the receiver starts
  fetch::CurlOptions options;
  options.user_agent = "trialwatch-test";
  fetch::CurlHttpClient http(options);
  daemon::DeliveryWorker worker(
      f.outbox, f.versions, f.clock, f.logger, [] { return 0.0; }, options, core::Credentials(f.dir.path(), true));
  worker.add_channel("lab",
                     std::make_unique<notify::WebhookChannel>(
                         http, f.clock, "http://127.0.0.1:" + std::to_string(port) + "/hook", std::nullopt),
                     24h);
  f.store_results_posted(1);
  CHECK(worker.run() == 0);  // down
  CHECK(f.outbox.counts().pending == 1);
  receiver.start(port);
  f.clock.advance(15s);
  CHECK(worker.run() == 1);  // up
  f.clock.advance(1h);
  CHECK(worker.run() == 0);
  receiver.stop();
  CHECK(calls == 1);
}
