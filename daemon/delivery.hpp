// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/crash_points.hpp"
#include "core/credentials.hpp"
#include "core/log.hpp"
#include "fetch/curl_http_client.hpp"
#include "notify/channel.hpp"
#include "store/outbox.hpp"
#include "store/versions.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trialwatch::daemon {

// Sends what the outbox holds: each due delivery through its channel, marked delivered or retried after a capped,
// jittered backoff (30 s doubling up to 1 h, never sooner than the receiver's Retry-After), and dead once older
// than the channel's max_age. A channel with a daily digest holds everything but results_posted for one message
// at its digest hour; quiet hours hold everything but results_posted until they end (delivery is deferred,
// detection never is). Runs in the daemon's main loop, after each cycle and while it waits.
class DeliveryWorker {
 public:
  // Work on the outbox and study versions (for titles) of one database, with `clock` and `unit_random` (uniform in
  // [0, 1)) for timing. HTTP channels post through clients made with `http_options` (user agent, stop flag), each
  // limited to its channel's timeout; secrets come from `credentials`.
  DeliveryWorker(store::Outbox& outbox, const store::Versions& versions, const core::Clock& clock,
                 const core::Logger& logger, std::function<double()> unit_random, fetch::CurlOptions http_options,
                 core::Credentials credentials, core::CrashPoints* crash_points = nullptr);
  ~DeliveryWorker();
  DeliveryWorker(DeliveryWorker&&) noexcept = default;
  DeliveryWorker& operator=(DeliveryWorker&&) = delete;
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Build the channels of `channels` (replacing any before); a channel type this version cannot send is logged
  // once and its deliveries wait (until they are too old).
  void configure(const std::vector<core::NotifyConfig>& channels);
  // Use `channel` under `name` (tests, and channels built elsewhere).
  void add_channel(const std::string& name, std::unique_ptr<notify::Channel> channel, std::chrono::seconds max_age);
  // Try every due delivery once; return how many were delivered.
  int run();
  // Send a test notification through channel `name` now (`trialwatch notify test NAME`), outside the outbox.
  notify::DeliveryResult send_test(const std::string& name);

 private:
  struct Entry {
    std::unique_ptr<fetch::HttpClient> http;   // the channel's own client, for HTTP channels
    std::unique_ptr<notify::Channel> channel;  // null: the channel cannot send (see the log)
    std::chrono::seconds max_age;
    bool daily_digest = false;
    int digest_hour = 8;
    std::optional<std::pair<int, int>> quiet_hours;
  };
  notify::Notification notification_of(const store::StoredEvent& event) const;

  store::Outbox& m_outbox;
  const store::Versions& m_versions;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
  Entry make_channel(const core::NotifyConfig& config) const;
  // Send `notification` for `deliveries` (one event, or a digest of several) and mark each of them.
  bool send(Entry& entry, const std::string& channel, const notify::Notification& notification,
            const std::vector<store::PendingDelivery>& deliveries);

  std::function<double()> m_unit_random;
  fetch::CurlOptions m_http_options;
  core::Credentials m_credentials;
  core::CrashPoints* m_crash_points;
  std::map<std::string, Entry> m_channels;
};

}  // namespace trialwatch::daemon
