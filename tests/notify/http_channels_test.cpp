// SPDX-License-Identifier: MIT
// The webhook, ntfy and Slack channels over real curl to a real HTTP receiver on loopback.
#include "notify/http_channels.hpp"

#include "core/credentials.hpp"
#include "core/safe_text.hpp"
#include "fetch/curl_http_client.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <sys/stat.h>
#include <thread>

using namespace trialwatch;

namespace {

using Receiver = testing::PostRecorder;

notify::Notification results_posted() {
  return notify::Notification{"4812bdb6a9a5581d1f0e1bb6de59c2ec",
                              "results_posted",
                              "NCT06613490",
                              "CD19 CAR-NK cells in refractory ASyS and RA",
                              "Results were posted on 2026-09-04",
                              "https://clinicaltrials.gov/study/NCT06613490?tab=results",
                              R"({"id":"4812bdb6a9a5581d1f0e1bb6de59c2ec","type":"results_posted"})"};
}

fetch::CurlHttpClient client() {
  fetch::CurlOptions options;
  options.user_agent = "trialwatch-test";
  return fetch::CurlHttpClient(options);
}

}  // namespace

TEST_CASE("Standard Webhooks signatures match the specification's example", "[notify][webhook]") {
  // From the Standard Webhooks reference test suite: secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whose key is
  // the base64 after "whsec_"; the signature covers "id.timestamp.body".
  std::string key = "\x31\xf2\x90\xf6\xbf\x06\x29\x8a\xab\x4f\x08\xd4\x3c\x3f\x08\x2c\xf6\x48\xa3\x62\xda\x2d\xa4\xb0";
  CHECK(notify::webhook_signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("a webhook carries the event, the study and the Standard Webhooks headers", "[notify][webhook]") {
  Receiver receiver;
  fetch::CurlHttpClient http = client();
  testing::ManualClock clock;
  notify::WebhookChannel channel(http, clock, receiver.url("/hooks/T0/SECRETPATH"),
                                 "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  const auto result = channel.deliver(results_posted());
  INFO(result.error);
  REQUIRE(result.delivered);
  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.path == "/hooks/T0/SECRETPATH");
  CHECK(request.get_header_value("Content-Type") == "application/json");
  CHECK(request.get_header_value("webhook-id") == "4812bdb6a9a5581d1f0e1bb6de59c2ec");
  CHECK(request.get_header_value("webhook-timestamp") == "1795521600");
  CHECK(
      request.body ==
      R"({"event":{"id":"4812bdb6a9a5581d1f0e1bb6de59c2ec","type":"results_posted"},"study":{"nct_id":"NCT06613490",)"
      R"("title":"CD19 CAR-NK cells in refractory ASyS and RA","url":"https://clinicaltrials.gov/study/NCT06613490?tab=results"}})");
  const std::string key =
      "\x31\xf2\x90\xf6\xbf\x06\x29\x8a\xab\x4f\x08\xd4\x3c\x3f\x08\x2c\xf6\x48\xa3\x62\xda\x2d\xa4\xb0";
  CHECK(request.get_header_value("webhook-signature") ==
        notify::webhook_signature(key, "4812bdb6a9a5581d1f0e1bb6de59c2ec", "1795521600", request.body));
}

TEST_CASE("a failing receiver is a failure that names the host only, with its Retry-After", "[notify][webhook]") {
  Receiver receiver;
  fetch::CurlHttpClient http = client();
  testing::ManualClock clock;
  notify::WebhookChannel channel(http, clock, receiver.url("/hooks/T0/SECRETPATH"), std::nullopt);
  receiver.answer({500, 429});
  const auto first = channel.deliver(results_posted());
  CHECK_FALSE(first.delivered);
  CHECK_THAT(first.error, Catch::Contains("HTTP 500") && !Catch::Contains("SECRETPATH"));
  const auto second = channel.deliver(results_posted());
  CHECK_FALSE(second.delivered);
  CHECK(second.retry_after == std::chrono::seconds(120));
  CHECK(channel.deliver(results_posted()).delivered);
  CHECK(receiver.requests().at(0).get_header_value("webhook-signature").empty());  // no secret, no signature
}

TEST_CASE("ntfy gets a title, a high priority for results, a click link and the token", "[notify][ntfy]") {
  Receiver receiver;
  fetch::CurlHttpClient http = client();
  notify::NtfyChannel channel(http, receiver.url("/trialwatch-lab"), "tk_secret");
  REQUIRE(channel.deliver(results_posted()).delivered);
  const auto request = receiver.requests().at(0);
  CHECK(request.path == "/trialwatch-lab");
  CHECK(request.get_header_value("Title") == "NCT06613490: results_posted");
  CHECK(request.get_header_value("Priority") == "high");
  CHECK(request.get_header_value("Tags") == "results_posted");
  CHECK(request.get_header_value("Click") == "https://clinicaltrials.gov/study/NCT06613490?tab=results");
  CHECK(request.get_header_value("Authorization") == "Bearer tk_secret");
  CHECK(request.body == "Results were posted on 2026-09-04\nCD19 CAR-NK cells in refractory ASyS and RA");
}

TEST_CASE("Slack gets one text with the study link", "[notify][slack]") {
  Receiver receiver;
  fetch::CurlHttpClient http = client();
  notify::SlackChannel channel(http, receiver.url("/services/T0/B0/XXXX"));
  REQUIRE(channel.deliver(results_posted()).delivered);
  CHECK(
      receiver.requests().at(0).body ==
      R"({"text":"*NCT06613490* results_posted: Results were posted on 2026-09-04\n<https://clinicaltrials.gov/study/NCT06613490?tab=results|CD19 CAR-NK cells in refractory ASyS and RA>"})");
}

TEST_CASE("Slack text from the registry cannot ping, link or cut a character in half", "[notify][slack][hostile]") {
  Receiver receiver;
  fetch::CurlHttpClient http = client();
  notify::SlackChannel channel(http, receiver.url("/services/T0/B0/XXXX"));
  auto n = results_posted();
  n.title = "x> <!channel> <https://evil.example|Click here> & \x1b]0;t\x07";
  n.summary = "Results <!here>";
  REQUIRE(channel.deliver(n).delivered);
  CHECK(
      receiver.requests().at(0).body ==
      R"({"text":"*NCT06613490* results_posted: Results &lt;!here&gt;\n<https://clinicaltrials.gov/study/NCT06613490?tab=results|x&gt; &lt;!channel&gt; &lt;https://evil.example|Click here&gt; &amp; \\x1b]0;t\\x07>"})");

  SECTION("a long non-Latin title is cut on a character boundary and the link stays whole") {
    std::string title;
    for (int i = 0; i < 400; ++i) title += "细胞";  // 2,400 bytes
    n.title = title;
    REQUIRE(channel.deliver(n).delivered);
    const std::string body = receiver.requests().back().body;
    CHECK_THAT(body, Catch::Contains("<https://clinicaltrials.gov/study/NCT06613490?tab=results|细胞"));
    CHECK_THAT(body, Catch::EndsWith("…>\"}"));
    CHECK(body.size() < 1000);
    CHECK(core::is_valid_utf8(body));
  }
}

TEST_CASE("ntfy and webhooks carry hostile text in their bodies only, never in a header", "[notify][hostile]") {
  Receiver receiver;
  fetch::CurlHttpClient http = client();
  auto n = results_posted();
  n.title = "T\r\nX-Injected: 1\r\n\r\n<b>\x1b[2J";
  n.summary = "S\nPriority: min";
  notify::NtfyChannel ntfy(http, receiver.url("/topic"), std::nullopt);
  REQUIRE(ntfy.deliver(n).delivered);
  testing::ManualClock clock;
  notify::WebhookChannel webhook(http, clock, receiver.url("/hook"), std::nullopt);
  REQUIRE(webhook.deliver(n).delivered);
  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 2);
  for (const auto& request : requests) {
    CHECK_FALSE(request.has_header("X-Injected"));
    for (const auto& [name, value] : request.headers) CHECK(value.find("T\r") == std::string::npos);
  }
  CHECK(requests[0].get_header_value("Title") == "NCT06613490: results_posted");
  CHECK(requests[0].get_header_value("Priority") == "high");
  CHECK(requests[0].body == n.summary + "\n" + n.title);  // plain text, as written: ntfy shows it, runs nothing
  CHECK_THAT(requests[1].body, Catch::Contains(R"("title":"T\r\nX-Injected: 1\r\n\r\n<b>\u001b[2J")"));
}

TEST_CASE("credentials come from a folder, owner-readable only outside systemd", "[notify][credentials]") {
  testing::TempDir dir;
  std::ofstream(dir.path() / "lab_webhook") << "https://hooks.example/T0/B0/XXXX\n";
  ::chmod((dir.path() / "lab_webhook").c_str(), 0600);
  const core::Credentials user(dir.path(), true);
  CHECK(user.read("lab_webhook").value() == "https://hooks.example/T0/B0/XXXX");
  ::chmod((dir.path() / "lab_webhook").c_str(), 0644);
  const auto shared = user.read("lab_webhook");
  REQUIRE_FALSE(shared.has_value());
  CHECK_THAT(shared.error().message, Catch::Contains("chmod 600") && !Catch::Contains("hooks.example"));
  CHECK(core::Credentials(dir.path(), false).read("lab_webhook").has_value());  // systemd's folder is private
  CHECK_THAT(user.read("missing").error().message, Catch::Contains("LoadCredential=missing:"));
  CHECK_FALSE(user.read("../etc/passwd").has_value());
  const auto from_env = core::Credentials::from_environment([&](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "CREDENTIALS_DIRECTORY") return dir.path().string();
    return std::nullopt;
  });
  CHECK(from_env.read("lab_webhook").has_value());  // mode 0644, but systemd's own folder
}
