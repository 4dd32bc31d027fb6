// SPDX-License-Identifier: MIT
#include "fetch/retry_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace trialwatch::fetch {

namespace {

enum class Kind { success, transient, blocked, permanent };

Kind classify(const AttemptOutcome& outcome) {
  if (const auto* failure = std::get_if<TransportFailure>(&outcome))
    return *failure == TransportFailure::too_large ? Kind::permanent : Kind::transient;
  const int code = std::get<HttpStatus>(outcome).code;
  if (code >= 200 && code <= 299) return Kind::success;
  if (code == 403) return Kind::blocked;
  if (code == 408 || code == 429 || (code >= 500 && code <= 599)) return Kind::transient;
  return Kind::permanent;  // 1xx, 3xx (redirects are handled by hand, never here), 400, 404, other 4xx
}

// Return min(cap, base * 2^(attempt - 1)) without overflowing for large attempt numbers.
std::chrono::milliseconds backoff_ceiling(int attempt, const RetryPolicy& policy) {
  auto ceiling = std::max(policy.base_delay, std::chrono::milliseconds(0));
  for (int i = 1; i < attempt && ceiling < policy.max_delay; ++i) ceiling *= 2;
  return std::min(ceiling, policy.max_delay);
}

std::chrono::milliseconds jittered(std::chrono::milliseconds ceiling, double random) {
  if (!(random > 0.0)) return std::chrono::milliseconds(0);  // also catches NaN
  random = std::min(random, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::floor(random * static_cast<double>(ceiling.count()))));
}

// Return the server's Retry-After clamped to [0, max], or zero when there is none.
std::chrono::milliseconds retry_after_floor(const Attempt& attempt, const RetryPolicy& policy) {
  if (!attempt.retry_after) return std::chrono::milliseconds(0);
  return std::clamp<std::chrono::milliseconds>(*attempt.retry_after, std::chrono::milliseconds(0),
                                               policy.max_retry_after);
}

}  // namespace

RetryDecision decide_retry(const Attempt& attempt, double random, const RetryPolicy& policy) {
  const Kind kind = classify(attempt.outcome);
  if (kind == Kind::success) return {RetryAction::accept, std::chrono::milliseconds(0), false};
  if (kind == Kind::permanent) return {RetryAction::fail, std::chrono::milliseconds(0), false};

  const bool blocked = kind == Kind::blocked;
  if (attempt.number >= policy.max_attempts) return {RetryAction::give_up, std::chrono::milliseconds(0), blocked};

  const auto floor = retry_after_floor(attempt, policy);
  if (blocked) return {RetryAction::retry, std::max<std::chrono::milliseconds>(policy.blocked_backoff, floor), true};
  const auto delay = jittered(backoff_ceiling(std::max(attempt.number, 1), policy), random);
  return {RetryAction::retry, std::max(delay, floor), false};
}

std::string describe(const AttemptOutcome& outcome) {
  if (const auto* status = std::get_if<HttpStatus>(&outcome)) return fmt::format("HTTP {}", status->code);
  switch (std::get<TransportFailure>(outcome)) {
    case TransportFailure::timeout:
      return "timeout";
    case TransportFailure::connection_reset:
      return "connection reset";
    case TransportFailure::connection_refused:
      return "connection refused";
    case TransportFailure::dns:
      return "host name lookup failed";
    case TransportFailure::partial_body:
      return "response body cut short";
    case TransportFailure::too_large:
      return "response over the size cap";
  }
  return "unknown transport failure";
}

}  // namespace trialwatch::fetch
