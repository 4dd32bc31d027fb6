// SPDX-License-Identifier: MIT
#include "fetch/retry_policy.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <optional>

using namespace std::chrono_literals;
using trialwatch::fetch::Attempt;
using trialwatch::fetch::AttemptOutcome;
using trialwatch::fetch::decide_retry;
using trialwatch::fetch::describe;
using trialwatch::fetch::HttpStatus;
using trialwatch::fetch::RetryAction;
using trialwatch::fetch::RetryPolicy;
using trialwatch::fetch::TransportFailure;

namespace {

Attempt http(int code, int number = 1, std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return Attempt{HttpStatus{code}, number, retry_after};
}

Attempt transport(TransportFailure failure, int number = 1) { return Attempt{failure, number, std::nullopt}; }

}  // namespace

TEST_CASE("each HTTP status maps to accept, retry or a permanent failure", "[fetch][retry]") {
  auto [code, action] = GENERATE(table<int, RetryAction>({
      {200, RetryAction::accept},
      {204, RetryAction::accept},
      {301, RetryAction::fail},
      {400, RetryAction::fail},
      {401, RetryAction::fail},
      {404, RetryAction::fail},
      {410, RetryAction::fail},
      {422, RetryAction::fail},
      {408, RetryAction::retry},
      {429, RetryAction::retry},
      {403, RetryAction::retry},
      {500, RetryAction::retry},
      {502, RetryAction::retry},
      {503, RetryAction::retry},
      {504, RetryAction::retry},
      {599, RetryAction::retry},
  }));
  CAPTURE(code);
  const auto decision = decide_retry(http(code), 0.5);
  CHECK(decision.action == action);
  CHECK(decision.blocked == (code == 403));
  if (action != RetryAction::retry) CHECK(decision.delay == 0ms);
}

TEST_CASE("every transport failure is retried", "[fetch][retry]") {
  auto failure = GENERATE(TransportFailure::timeout, TransportFailure::connection_reset,
                          TransportFailure::connection_refused, TransportFailure::dns, TransportFailure::partial_body);
  const auto decision = decide_retry(transport(failure), 0.5);
  CHECK(decision.action == RetryAction::retry);
  CHECK_FALSE(decision.blocked);
  CHECK(decision.delay == 500ms);
}

TEST_CASE("the backoff ceiling doubles per attempt up to the cap and is scaled by the random number",
          "[fetch][retry]") {
  RetryPolicy policy;
  policy.max_attempts = 20;
  auto [attempt, random, delay] = GENERATE(table<int, double, std::chrono::milliseconds>({
      {1, 0.0, 0ms},
      {1, 0.5, 500ms},
      {1, 0.999, 999ms},
      {2, 0.5, 1000ms},
      {3, 0.5, 2000ms},
      {4, 0.25, 2000ms},
      {6, 0.5, 16000ms},
      {7, 0.5, 30000ms},  // 64 s ceiling capped at 60 s
      {7, 0.999, 59940ms},
      {19, 0.5, 30000ms},
  }));
  CAPTURE(attempt, random);
  const auto decision = decide_retry(transport(TransportFailure::timeout, attempt), random, policy);
  REQUIRE(decision.action == RetryAction::retry);
  CHECK(decision.delay == delay);
}

TEST_CASE("a random number outside the unit interval cannot push the delay past the ceiling or below zero",
          "[fetch][retry]") {
  auto [random, delay] = GENERATE(table<double, std::chrono::milliseconds>({
      {-1.0, 0ms},
      {1.0, 1000ms},
      {7.5, 1000ms},
      {std::numeric_limits<double>::quiet_NaN(), 0ms},
  }));
  CAPTURE(random);
  CHECK(decide_retry(http(503), random).delay == delay);
}

TEST_CASE("Retry-After is a minimum for the delay and is clamped to the policy maximum", "[fetch][retry]") {
  auto [code, retry_after, random, delay] =
      GENERATE(table<int, std::chrono::seconds, double, std::chrono::milliseconds>({
          {429, 10s, 0.5, 10000ms},       // longer than the jittered 500 ms: the server wins
          {429, 0s, 0.5, 500ms},          // shorter: the backoff wins
          {503, 30s, 0.0, 30000ms},       // even when jitter says "now"
          {503, 90s, 0.5, 90000ms},       // beyond the backoff cap but within the clamp
          {429, 86400s, 0.5, 3600000ms},  // a day is clamped to an hour
          {503, -5s, 0.5, 500ms},         // nonsense is ignored
          {403, 7200s, 0.5, 3600000ms},   // blocked: clamped Retry-After vs one hour of backoff
      }));
  CAPTURE(code, retry_after.count());
  const auto decision = decide_retry(http(code, 1, retry_after), random);
  REQUIRE(decision.action == RetryAction::retry);
  CHECK(decision.delay == delay);
}

TEST_CASE("Retry-After on a permanent failure does not make it retryable", "[fetch][retry]") {
  CHECK(decide_retry(http(404, 1, 5s), 0.5).action == RetryAction::fail);
  CHECK(decide_retry(http(400, 1, 5s), 0.5).action == RetryAction::fail);
}

TEST_CASE("a 403 means blocked: a long backoff, flagged, whatever the jitter", "[fetch][retry]") {
  RetryPolicy policy;
  policy.blocked_backoff = 7200s;
  auto random = GENERATE(0.0, 0.5, 0.999);
  const auto decision = decide_retry(http(403, 2), random, policy);
  CHECK(decision.action == RetryAction::retry);
  CHECK(decision.blocked);
  CHECK(decision.delay == 7200s);
}

TEST_CASE("transient failures give up once the attempts are spent", "[fetch][retry]") {
  auto [max_attempts, attempt, action] = GENERATE(table<int, int, RetryAction>({
      {5, 1, RetryAction::retry},
      {5, 4, RetryAction::retry},
      {5, 5, RetryAction::give_up},
      {5, 6, RetryAction::give_up},
      {1, 1, RetryAction::give_up},
      {3, 2, RetryAction::retry},
      {3, 3, RetryAction::give_up},
  }));
  CAPTURE(max_attempts, attempt);
  RetryPolicy policy;
  policy.max_attempts = max_attempts;
  CHECK(decide_retry(http(503, attempt), 0.5, policy).action == action);
  CHECK(decide_retry(transport(TransportFailure::connection_reset, attempt), 0.5, policy).action == action);
  const auto blocked = decide_retry(http(403, attempt), 0.5, policy);
  CHECK(blocked.action == action);
  CHECK(blocked.blocked);
}

TEST_CASE("success and permanent failures are final even on the last attempt", "[fetch][retry]") {
  CHECK(decide_retry(http(200, 5), 0.5).action == RetryAction::accept);
  CHECK(decide_retry(http(404, 5), 0.5).action == RetryAction::fail);
}

TEST_CASE("a custom base delay and cap shape the backoff", "[fetch][retry]") {
  RetryPolicy policy;
  policy.base_delay = 250ms;
  policy.max_delay = 1500ms;
  policy.max_attempts = 10;
  CHECK(decide_retry(http(500, 1), 0.5, policy).delay == 125ms);
  CHECK(decide_retry(http(500, 3), 0.5, policy).delay == 500ms);
  CHECK(decide_retry(http(500, 4), 0.5, policy).delay == 750ms);  // 2 s ceiling capped at 1.5 s
}

TEST_CASE("outcomes are described in words for logs", "[fetch][retry]") {
  CHECK(describe(AttemptOutcome{HttpStatus{503}}) == "HTTP 503");
  CHECK(describe(AttemptOutcome{TransportFailure::timeout}) == "timeout");
  CHECK(describe(AttemptOutcome{TransportFailure::partial_body}) == "response body cut short");
}
