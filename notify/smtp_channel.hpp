// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "notify/channel.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace trialwatch::notify {

// An email through libcurl's SMTP: `smtps://` (TLS from the start) or `smtp://` with STARTTLS required (plain
// only for a loopback relay). The message is RFC 5322 text/plain UTF-8 that reads well on a phone, with a
// Message-ID derived from the event id, so a resend after a crash is recognisably the same message.
class SmtpChannel final : public Channel {
 public:
  // Send through `url` (credentials may be in its user-info part: it is a secret) from `from` to `to`.
  SmtpChannel(std::string url, std::string from, std::vector<std::string> to, const core::Clock& clock,
              std::chrono::milliseconds timeout);
  DeliveryResult deliver(const Notification& notification) override;

 private:
  std::string m_url;
  std::string m_from;
  std::vector<std::string> m_to;
  const core::Clock& m_clock;
  std::chrono::milliseconds m_timeout;
};

// Return the RFC 5322 message for `notification` (CRLF line ends), dated `date` (an RFC 5322 date).
std::string email_message(const Notification& notification, const std::string& from, const std::vector<std::string>& to,
                          const std::string& date);

}  // namespace trialwatch::notify
