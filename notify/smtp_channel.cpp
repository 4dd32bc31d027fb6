// SPDX-License-Identifier: MIT
#include "notify/smtp_channel.hpp"

#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "fetch/curl_handles.hpp"
#include "fetch/curl_http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <ctime>
#include <memory>

namespace trialwatch::notify {

namespace {

// The message being read by libcurl's upload callback.
struct Upload {
  const std::string* text;
  std::size_t offset = 0;
};

extern "C" std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) noexcept {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->text->size() - upload->offset);
  std::memcpy(buffer, upload->text->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// The address inside "Name <address>", or the text itself.
std::string address_of(const std::string& mailbox) {
  const auto open = mailbox.find('<');
  const auto close = mailbox.find('>', open);
  return open != std::string::npos && close != std::string::npos ? mailbox.substr(open + 1, close - open - 1) : mailbox;
}

std::string rfc5322_date(core::Clock::TimePoint at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &parts);
  return text;
}

}  // namespace

std::string email_message(const Notification& n, const std::string& from, const std::vector<std::string>& to,
                          const std::string& date) {
  const std::string recipients = core::join(to, ", ");
  std::string subject = fmt::format("{} {}", n.nct_id, n.type == "results_posted" ? "results posted" : n.type);
  if (n.nct_id.empty())
    subject = n.title;  // a test: no study
  else if (!n.title.empty())
    subject += ": " + (n.title.size() > 120 ? std::string(core::cut_utf8(n.title, 117)) + "..." : n.title);
  // Registry text in the body is one line each, so it can neither end the headers nor forge a line of them.
  std::string body = core::for_log_line(n.summary) + "\r\n\r\n";
  if (!n.title.empty()) body += core::for_log_line(n.title) + "\r\n";
  body += n.study_url + "\r\n\r\n-- \r\ntrialwatch, event " + n.event_id + "\r\n";
  return fmt::format(
      "Date: {}\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\nMessage-ID: <{}@trialwatch>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
      date, from, recipients, core::for_mail_header(subject), n.event_id, body);
}

SmtpChannel::SmtpChannel(std::string url, std::string from, std::vector<std::string> to, const core::Clock& clock,
                         std::chrono::milliseconds timeout)
    : m_url(std::move(url)), m_from(std::move(from)), m_to(std::move(to)), m_clock(clock), m_timeout(timeout) {}

DeliveryResult SmtpChannel::deliver(const Notification& n) {
  const bool implicit_tls = m_url.rfind("smtps://", 0) == 0;
  if (!implicit_tls && !(m_url.rfind("smtp://", 0) == 0))
    return {false, "the SMTP URL must start with smtps:// or smtp://", std::nullopt};
  const fetch::CurlEasy easy(curl_easy_init());
  if (!easy) return {false, "libcurl could not create an SMTP handle", std::nullopt};
  fetch::CurlList recipients;
  for (const auto& address : m_to) fetch::append(recipients, fmt::format("<{}>", address_of(address)).c_str());
  const std::string message = email_message(n, m_from, m_to, rfc5322_date(m_clock.now()));
  Upload upload{&message};
  const std::string mail_from = fmt::format("<{}>", address_of(m_from));
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* handle = easy.get();
  curl_easy_setopt(handle, CURLOPT_URL, m_url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // STARTTLS is required, except for a relay on this machine (the usual local MTA and the tests' receiver).
  const bool loopback = fetch::is_loopback_url("http://" + m_url.substr(m_url.find("://") + 3));
  curl_easy_setopt(handle, CURLOPT_USE_SSL, implicit_tls || !loopback ? CURLUSESSL_ALL : CURLUSESSL_NONE);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) return {true, {}, std::nullopt};
  // The URL may carry a password: name the host only.
  return {false,
          fmt::format("sending mail through {} failed: {}", fetch::redact_url(m_url),
                      error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code)),
          std::nullopt};
}

}  // namespace trialwatch::notify
