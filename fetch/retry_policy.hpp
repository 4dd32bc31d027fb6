// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>

namespace trialwatch::fetch {

// Decides, as a pure function of one attempt's outcome, whether a registry request is retried and after how long.
// Capped exponential backoff with full jitter; Retry-After is a minimum; 403 means the registry is blocking us.
// The caller supplies the random number and does the waiting, so every decision is reproducible in tests.

// An HTTP status line's code, e.g. 503.
struct HttpStatus {
  int code;
};

// A failure below HTTP: nothing (or not all) of a response arrived.
enum class TransportFailure {
  timeout,             // connect or transfer timeout, or a too-slow transfer
  connection_reset,    // the peer closed or reset the connection mid-exchange
  connection_refused,  // nothing accepted the connection
  dns,                 // the host name did not resolve
  partial_body,        // the body ended before its announced length (or a chunked stream was cut)
  too_large,           // the body exceeded the client's size cap: asking again cannot help, asking for less can
};

// What one attempt produced, as far as retrying is concerned.
using AttemptOutcome = std::variant<HttpStatus, TransportFailure>;

// Everything the policy needs to know about the attempt that just finished.
struct Attempt {
  AttemptOutcome outcome;
  int number = 1;                                   // 1 for the first attempt
  std::optional<std::chrono::seconds> retry_after;  // the response's Retry-After, if it had one
};

// The tunable limits of retrying; the defaults are the polite client of docs/registry-api.md.
struct RetryPolicy {
  int max_attempts = 5;                         // attempts per request, the first one included
  std::chrono::milliseconds base_delay{1000};   // the backoff ceiling after the first attempt
  std::chrono::milliseconds max_delay{60'000};  // the backoff ceiling never grows past this
  std::chrono::seconds max_retry_after{3600};   // a server's Retry-After is honoured up to this
  std::chrono::seconds blocked_backoff{3600};   // how long to stay away after a 403
};

// What to do next.
enum class RetryAction {
  accept,   // the attempt succeeded (2xx): use its response
  retry,    // wait `delay`, then make attempt number + 1
  fail,     // a permanent failure (400, 404, other 4xx, 3xx): retrying cannot help
  give_up,  // a transient failure, but the attempts are spent
};

// The policy's answer for one attempt.
struct RetryDecision {
  RetryAction action = RetryAction::fail;
  std::chrono::milliseconds delay{0};  // only meaningful for RetryAction::retry
  bool blocked = false;                // the registry answered 403: show it in status, back off for long
};

// Decide what follows `attempt` under `policy`; `random` is a uniform number in [0, 1) that scales the backoff.
RetryDecision decide_retry(const Attempt& attempt, double random, const RetryPolicy& policy = {});

// Return `outcome` as a short phrase for logs and errors, e.g. "HTTP 503" or "timeout".
std::string describe(const AttemptOutcome& outcome);

}  // namespace trialwatch::fetch
