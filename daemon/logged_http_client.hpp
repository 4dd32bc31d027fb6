// SPDX-License-Identifier: MIT
#pragma once

#include "core/log.hpp"
#include "fetch/http_client.hpp"

namespace trialwatch::daemon {

// An HttpClient that passes every request to another and logs it at debug level: method, URL (without user info),
// status or transport failure, bytes and milliseconds. What `--log-level debug` shows of the registry traffic.
class LoggedHttpClient final : public fetch::HttpClient {
 public:
  // Log the requests made through `inner` to `logger`; both must outlive this client.
  LoggedHttpClient(fetch::HttpClient& inner, const core::Logger& logger) noexcept : m_inner(inner), m_logger(logger) {}

  fetch::HttpOutcome get(const std::string& url) override;
  fetch::HttpOutcome post(const fetch::HttpPost& request) override;

 private:
  // Make the request with `perform` and log it as `method` `url`.
  template <typename Perform>
  fetch::HttpOutcome logged(std::string_view method, const std::string& url, Perform&& perform);

  fetch::HttpClient& m_inner;
  const core::Logger& m_logger;
};

}  // namespace trialwatch::daemon
