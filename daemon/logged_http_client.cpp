// SPDX-License-Identifier: MIT
#include "daemon/logged_http_client.hpp"

#include <algorithm>
#include <chrono>

namespace trialwatch::daemon {

namespace {

// `url` without user info ("user:password@"): the registry's paths and queries are IDs and search terms, which
// the debug log shows, but a password never.
std::string without_user_info(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto authority = scheme + 3;
  const auto authority_end = std::min(url.find_first_of("/?#", authority), url.size());
  const auto at = url.rfind('@', authority_end);
  if (at == std::string::npos || at < authority) return url;
  return url.substr(0, authority) + url.substr(at + 1);
}

}  // namespace

template <typename Perform>
fetch::HttpOutcome LoggedHttpClient::logged(std::string_view method, const std::string& url, Perform&& perform) {
  if (!m_logger.enabled(core::LogLevel::debug)) return perform();
  const auto started = std::chrono::steady_clock::now();  // a measurement for the log line, not a decision
  auto outcome = perform();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (const auto* response = std::get_if<fetch::HttpResponse>(&outcome))
    m_logger.log(core::LogLevel::debug, "{} {} -> {} ({} bytes, {} ms)", method, without_user_info(url),
                 response->status, response->body.size(), ms);
  else
    m_logger.log(core::LogLevel::debug, "{} {} -> failed after {} ms: {}", method, without_user_info(url), ms,
                 std::get<fetch::TransportError>(outcome).message);
  return outcome;
}

fetch::HttpOutcome LoggedHttpClient::get(const std::string& url) {
  return logged("GET", url, [&] { return m_inner.get(url); });
}

fetch::HttpOutcome LoggedHttpClient::post(const fetch::HttpPost& request) {
  return logged("POST", request.url, [&] { return m_inner.post(request); });
}

}  // namespace trialwatch::daemon
