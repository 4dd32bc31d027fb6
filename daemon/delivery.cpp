// SPDX-License-Identifier: MIT
#include "daemon/delivery.hpp"

#include "core/json_text.hpp"
#include "core/safe_text.hpp"
#include "daemon/schedule.hpp"
#include "notify/delivery_window.hpp"
#include "notify/exec_channel.hpp"
#include "notify/http_channels.hpp"
#include "notify/smtp_channel.hpp"
#include "store/event_json.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::daemon {

namespace {

constexpr std::chrono::seconds k_first_retry{30};
constexpr std::chrono::seconds k_longest_retry{3600};

}  // namespace

DeliveryWorker::DeliveryWorker(store::Outbox& outbox, const store::Versions& versions, const core::Clock& clock,
                               const core::Logger& logger, std::function<double()> unit_random,
                               fetch::CurlOptions http_options, core::Credentials credentials,
                               core::CrashPoints* crash_points)
    : m_outbox(outbox),
      m_versions(versions),
      m_clock(clock),
      m_logger(logger),
      m_unit_random(std::move(unit_random)),
      m_http_options(std::move(http_options)),
      m_credentials(std::move(credentials)),
      m_crash_points(crash_points) {}

DeliveryWorker::~DeliveryWorker() = default;

// Build the channel `config` describes, or log why it cannot send (its deliveries wait in the outbox).
DeliveryWorker::Entry DeliveryWorker::make_channel(const core::NotifyConfig& config) const {
  Entry entry{nullptr, nullptr, config.max_age, config.daily_digest, config.digest_hour, config.quiet_hours};
  using Type = core::NotifyConfig::Type;
  if (config.type == Type::exec) {
    entry.channel = std::make_unique<notify::ExecChannel>(config.command, config.timeout);
    return entry;
  }
  const auto url = m_credentials.read(config.url_credential);
  if (!url) {
    m_logger.log(core::LogLevel::warning, "notify '{}': {}; its notifications wait in the outbox for up to {}",
                 config.name, url.error().message, human_duration(config.max_age));
    return entry;
  }
  if (config.type == Type::smtp) {
    entry.channel = std::make_unique<notify::SmtpChannel>(*url, config.from, config.to, m_clock, config.timeout);
    return entry;
  }
  const auto optional_secret = [&](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) return std::nullopt;
    auto value = m_credentials.read(name);
    if (!value) {
      m_logger.log(core::LogLevel::error, "notify '{}': {}", config.name, value.error().message);
      return std::nullopt;
    }
    return *value;
  };
  auto options = m_http_options;
  options.total_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.timeout);
  options.connect_timeout = std::min(options.connect_timeout, options.total_timeout);
  entry.http = std::make_unique<fetch::CurlHttpClient>(options);
  if (config.type == Type::webhook)
    entry.channel =
        std::make_unique<notify::WebhookChannel>(*entry.http, m_clock, *url, optional_secret(config.secret_credential));
  else if (config.type == Type::ntfy)
    entry.channel = std::make_unique<notify::NtfyChannel>(*entry.http, *url, optional_secret(config.token_credential));
  else
    entry.channel = std::make_unique<notify::SlackChannel>(*entry.http, *url);
  return entry;
}

void DeliveryWorker::configure(const std::vector<core::NotifyConfig>& channels) {
  m_channels.clear();
  for (const auto& config : channels) {
    m_channels[config.name] = make_channel(config);
  }
}

void DeliveryWorker::add_channel(const std::string& name, std::unique_ptr<notify::Channel> channel,
                                 std::chrono::seconds max_age) {
  m_channels[name] = Entry{nullptr, std::move(channel), max_age, false, 8, std::nullopt};
}

notify::Notification DeliveryWorker::notification_of(const store::StoredEvent& event) const {
  notify::Notification n;
  n.event_id = event.id;
  n.type = std::string(core::event_type_name(event.type));
  n.nct_id = event.nct_id;
  n.summary = event.summary;
  n.study_url = "https://clinicaltrials.gov/study/" + event.nct_id;
  if (event.type == core::EventType::results_posted || event.type == core::EventType::results_updated)
    n.study_url += "?tab=results";
  if (const auto id = core::NctId::parse(event.nct_id))
    if (const auto study = m_versions.study(*id)) n.title = study->summary.title;
  n.event_json = store::event_json(event);
  return n;
}

bool DeliveryWorker::send(Entry& entry, const std::string& channel, const notify::Notification& notification,
                          const std::vector<store::PendingDelivery>& deliveries) {
  const auto result = entry.channel->deliver(notification);
  if (result.delivered) {
    if (m_crash_points != nullptr) m_crash_points->pass("after_send");  // sent, not yet marked: resent after restart
    for (const auto& d : deliveries) m_outbox.mark_delivered(d.event.id, channel, m_clock.now());
    m_logger.log(core::LogLevel::info, "notify '{}': sent {} {}", channel, notification.nct_id, notification.type);
    return true;
  }
  auto wait = jittered_backoff(k_first_retry, deliveries.front().attempts + 1, k_longest_retry, m_unit_random());
  if (result.retry_after) wait = std::max(wait, std::min(*result.retry_after, k_longest_retry));
  for (const auto& d : deliveries) m_outbox.mark_failed(d.event.id, channel, result.error, m_clock.now() + wait);
  m_logger.log(core::LogLevel::warning, "notify '{}': {} {} not sent ({}); retrying in {} s", channel,
               notification.nct_id, notification.type, result.error, wait.count());
  return false;
}

notify::DeliveryResult DeliveryWorker::send_test(const std::string& name) {
  const auto found = m_channels.find(name);
  if (found == m_channels.end())
    return {false, fmt::format("no [[notify]] channel is named '{}' in the configuration", name), std::nullopt};
  if (!found->second.channel)
    return {false, fmt::format("channel '{}' cannot send; the lines above say why", name), std::nullopt};
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(m_clock.now().time_since_epoch()).count();
  notify::Notification test;
  test.event_id = fmt::format("test-{}", seconds);
  test.type = "notify_test";
  test.title = fmt::format("trialwatch test: notifications from {} work", core::for_log_line(name));  // a header
  test.summary = fmt::format("This is a test from trialwatch: channel '{}' works.", name);
  test.study_url = "https://clinicaltrials.gov/";
  test.event_json =
      fmt::format(R"({{"id":"{}","type":"notify_test","summary":{}}})", test.event_id, core::json_quote(test.summary));
  return found->second.channel->deliver(test);
}

int DeliveryWorker::run() {
  if (m_channels.empty()) return 0;
  int delivered = 0;
  const auto now = m_clock.now();
  std::map<std::string, std::vector<store::PendingDelivery>> digests;  // channel -> events due in its digest
  for (const auto& pending : m_outbox.due(now)) {
    const auto found = m_channels.find(pending.channel);
    const auto created = core::parse_utc_time(pending.created_at);
    const auto max_age = found != m_channels.end() ? found->second.max_age : std::chrono::seconds(24 * 3600);
    if (created && now - *created > max_age) {
      m_outbox.mark_dead(pending.event.id, pending.channel, "not delivered within max_age");
      m_logger.log(core::LogLevel::error, "notify '{}': gave up on {} {} after {} tries", pending.channel,
                   pending.event.nct_id, core::event_type_name(pending.event.type), pending.attempts);
      continue;
    }
    if (found == m_channels.end() || !found->second.channel) continue;  // no such channel now: it waits
    auto& entry = found->second;
    const bool urgent = pending.event.type == core::EventType::results_posted;
    if (!urgent && entry.quiet_hours && notify::in_quiet_hours(*entry.quiet_hours, now)) continue;  // deferred
    if (!urgent && entry.daily_digest) {
      if (created && now >= notify::next_digest_time(*created, entry.digest_hour))
        digests[pending.channel].push_back(pending);
      continue;
    }
    if (send(entry, pending.channel, notification_of(pending.event), {pending})) ++delivered;
  }
  for (const auto& [channel, deliveries] : digests) {
    notify::Notification digest;
    digest.event_id = fmt::format("digest-{}-{}", deliveries.front().event.id, deliveries.size());
    digest.type = "digest";
    digest.title = fmt::format("trialwatch: {} {} since the last digest", deliveries.size(),
                               deliveries.size() == 1 ? "change" : "changes");
    digest.study_url = "https://clinicaltrials.gov/";
    digest.event_json.assign(1, '[');
    for (const auto& d : deliveries) {
      digest.summary += fmt::format("{}{} {}: {}", digest.summary.empty() ? "" : "\n", d.event.nct_id,
                                    core::event_type_name(d.event.type), d.event.summary);
      digest.event_json.append(digest.event_json.size() > 1 ? "," : "").append(store::event_json(d.event));
    }
    digest.event_json += "]";
    if (send(m_channels.at(channel), channel, digest, deliveries)) delivered += static_cast<int>(deliveries.size());
  }
  return delivered;
}

}  // namespace trialwatch::daemon
