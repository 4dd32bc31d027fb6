// SPDX-License-Identifier: MIT
#include "notify/http_channels.hpp"

#include "core/json_text.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "fetch/curl_http_client.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <variant>

namespace trialwatch::notify {

namespace {

// Decode base64 `text`; nothing if it is not base64.
std::optional<std::string> unbase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) --size;  // EVP counts padding as zeros
  out.resize(size);
  return out;
}

// Turn an HTTP outcome into a DeliveryResult: 2xx delivered; the rest a sentence naming the host only.
DeliveryResult result_of(const fetch::HttpOutcome& outcome, const std::string& url) {
  if (const auto* error = std::get_if<fetch::TransportError>(&outcome)) return {false, error->message, std::nullopt};
  const auto& response = std::get<fetch::HttpResponse>(outcome);
  if (response.status >= 200 && response.status <= 299) return {true, {}, std::nullopt};
  return {false, fmt::format("{} answered HTTP {}", fetch::redact_url(url), response.status), response.retry_after};
}

bool is_results(const std::string& type) { return type.rfind("results_", 0) == 0; }

}  // namespace

std::string webhook_signature(const std::string& key, const std::string& id, const std::string& timestamp,
                              const std::string& body) {
  const std::string signed_content = id + "." + timestamp + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), digest, &length);
  return "v1," + core::base64(std::string_view(reinterpret_cast<const char*>(digest), length));
}

WebhookChannel::WebhookChannel(fetch::HttpClient& http, const core::Clock& clock, std::string url,
                               std::optional<std::string> secret)
    : m_http(http), m_clock(clock), m_url(std::move(url)) {
  if (secret) {
    constexpr std::string_view prefix = "whsec_";
    const auto decoded = secret->rfind(prefix, 0) == 0 ? unbase64(secret->substr(prefix.size())) : std::nullopt;
    m_key = decoded ? *decoded : *secret;
  }
}

DeliveryResult WebhookChannel::deliver(const Notification& n) {
  const std::string body =
      fmt::format(R"({{"event":{},"study":{{"nct_id":{},"title":{},"url":{}}}}})", n.event_json,
                  core::json_quote(n.nct_id), core::json_quote(n.title), core::json_quote(n.study_url));
  const std::string timestamp =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(m_clock.now().time_since_epoch()).count());
  fetch::HttpPost post{
      m_url, {"Content-Type: application/json", "webhook-id: " + n.event_id, "webhook-timestamp: " + timestamp}, body};
  if (m_key) post.headers.push_back("webhook-signature: " + webhook_signature(*m_key, n.event_id, timestamp, body));
  return result_of(m_http.post(post), m_url);
}

NtfyChannel::NtfyChannel(fetch::HttpClient& http, std::string topic_url, std::optional<std::string> token)
    : m_http(http), m_url(std::move(topic_url)), m_token(std::move(token)) {}

DeliveryResult NtfyChannel::deliver(const Notification& n) {
  fetch::HttpPost post{m_url,
                       {"Title: " + headline(n), std::string("Priority: ") + (is_results(n.type) ? "high" : "default"),
                        "Tags: " + n.type, "Click: " + n.study_url, "Content-Type: text/plain; charset=utf-8"},
                       n.summary + (n.title.empty() ? "" : "\n" + n.title)};
  if (m_token) post.headers.push_back("Authorization: Bearer " + *m_token);
  return result_of(m_http.post(post), m_url);
}

SlackChannel::SlackChannel(fetch::HttpClient& http, std::string webhook_url)
    : m_http(http), m_url(std::move(webhook_url)) {}

DeliveryResult SlackChannel::deliver(const Notification& n) {
  // Registry text escaped for mrkdwn (no link, mention or <!channel> can be formed) and cut on a character
  // boundary; the summary and the link label share Slack's 3,000 characters, the link itself is never cut.
  const std::string lead = n.nct_id.empty() ? "*" + core::for_slack(n.title, 800) + "*"  // a test: no study
                                            : fmt::format("*{}* {}", n.nct_id, n.type);
  const std::string text = fmt::format("{}: {}\n<{}|{}>", lead, core::for_slack(n.summary, 2000), n.study_url,
                                       n.title.empty() ? n.nct_id : core::for_slack(n.title, 800));
  return result_of(m_http.post(fetch::HttpPost{
                       m_url, {"Content-Type: application/json"}, "{\"text\":" + core::json_quote(text) + "}"}),
                   m_url);
}

}  // namespace trialwatch::notify
