// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "fetch/http_client.hpp"
#include "notify/channel.hpp"

#include <optional>
#include <string>

namespace trialwatch::notify {

// A JSON POST of the event and a study block, with the Standard Webhooks headers webhook-id (the event id: the
// receiver's idempotency key), webhook-timestamp and, when a secret is set, webhook-signature
// ("v1,<base64 HMAC-SHA256 of id.timestamp.body>").
class WebhookChannel final : public Channel {
 public:
  // POST to `url` through `http`; `secret` is a Standard Webhooks key ("whsec_<base64>", or raw bytes).
  WebhookChannel(fetch::HttpClient& http, const core::Clock& clock, std::string url, std::optional<std::string> secret);
  DeliveryResult deliver(const Notification& notification) override;

 private:
  fetch::HttpClient& m_http;
  const core::Clock& m_clock;
  std::string m_url;
  std::optional<std::string> m_key;  // decoded signing key
};

// An ntfy message: POST to the topic URL with Title, Priority (high for results), Tags and Click headers, and a
// bearer token when one is set.
class NtfyChannel final : public Channel {
 public:
  NtfyChannel(fetch::HttpClient& http, std::string topic_url, std::optional<std::string> token);
  DeliveryResult deliver(const Notification& notification) override;

 private:
  fetch::HttpClient& m_http;
  std::string m_url;
  std::optional<std::string> m_token;
};

// A Slack-compatible incoming webhook ({"text": ...}; Mattermost and others accept it too).
class SlackChannel final : public Channel {
 public:
  SlackChannel(fetch::HttpClient& http, std::string webhook_url);
  DeliveryResult deliver(const Notification& notification) override;

 private:
  fetch::HttpClient& m_http;
  std::string m_url;
};

// Return the Standard Webhooks signature header value for `id`, `timestamp` and `body` under `key`.
std::string webhook_signature(const std::string& key, const std::string& id, const std::string& timestamp,
                              const std::string& body);

}  // namespace trialwatch::notify
