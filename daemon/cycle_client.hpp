// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/log.hpp"
#include "fetch/http_client.hpp"
#include "fetch/rate_limiter.hpp"
#include "fetch/registry_client.hpp"
#include "fetch/sleeper.hpp"
#include "store/watch_list.hpp"

#include <atomic>
#include <functional>
#include <vector>

namespace trialwatch::daemon {

// The registry client of one cycle with its own sleeper and rate limiter, configured from [api]: a fresh one per
// cycle, because its request counters and retry budget belong to one cycle.
class CycleClient {
 public:
  // Talk through `http` as `config` says ([api], and [history] for its base URL); waits end early when `stop` becomes
  // true and call `on_wait_slice` (may be empty) every 50 ms; `random` gives backoff jitter in [0, 1). All references
  // must outlive the client.
  CycleClient(fetch::HttpClient& http, const core::Config& config, const core::Clock& clock,
              std::function<double()> random, const std::atomic<bool>* stop, std::function<void()> on_wait_slice = {})
      : m_sleeper(stop, std::move(on_wait_slice)),
        m_limiter(clock, config.api.requests_per_second, 5.0),
        m_registry(http, m_limiter, m_sleeper, std::move(random), options_of(config)) {}
  CycleClient(const CycleClient&) = delete;
  CycleClient& operator=(const CycleClient&) = delete;

  // The client to make the cycle's requests with.
  fetch::RegistryClient& registry() noexcept { return m_registry; }

 private:
  static fetch::RegistryClientOptions options_of(const core::Config& config) {
    fetch::RegistryClientOptions options;
    options.base_url = config.api.base_url;
    options.history_base_url = core::history_base_url(config);
    options.retry.max_attempts = config.api.max_attempts;
    return options;
  }

  fetch::CancellableSleeper m_sleeper;
  fetch::RateLimiter m_limiter;
  fetch::RegistryClient m_registry;
};

// Make the watch list match the configuration's `track`: listed IDs are tracked (source config, in one transaction),
// IDs tracked only because an earlier configuration listed them are untracked (history is kept). Logs what changed.
void track_from_config(const std::vector<core::NctId>& track, store::WatchList& watch_list, core::Clock::TimePoint now,
                       const core::Logger& logger);

}  // namespace trialwatch::daemon
