// SPDX-License-Identifier: MIT
#pragma once

#include "fetch/http_client.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace trialwatch::fetch {

// Initialises libcurl for the process; create one in main before any thread starts and keep it until exit.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

// How a CurlHttpClient talks to servers.
struct CurlOptions {
  std::string user_agent;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{120'000};
  long low_speed_bytes_per_second = 1024;         // slower than this ...
  std::chrono::seconds low_speed_time{30};        // ... for this long aborts the transfer
  std::size_t max_body_bytes = 64 * 1024 * 1024;  // decoded bytes; larger answers are refused mid-transfer
  std::size_t max_error_body_bytes = 4096;        // non-2xx bodies are kept as text up to this size
  // When set and true, a running transfer is aborted (SIGTERM); must outlive the client.
  const std::atomic<bool>* cancel = nullptr;
};

// An HttpClient on libcurl: one reused easy handle (keep-alive, HTTP/2 where offered), gzip accepted, TLS
// verification always on, https only except for loopback hosts, no automatic redirects, a size cap enforced
// in the write callback.
class CurlHttpClient final : public HttpClient {
 public:
  // Create a client with `options`; throw std::runtime_error if libcurl cannot create a handle.
  explicit CurlHttpClient(CurlOptions options);
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  HttpOutcome get(const std::string& url) override;
  HttpOutcome post(const HttpPost& request) override;

  // Return the decoded bytes received so far by this client.
  std::uint64_t bytes_received() const noexcept { return m_bytes_received; }

 private:
  HttpOutcome perform(const std::string& url, const HttpPost* post);

  struct Handle;
  std::unique_ptr<Handle> m_handle;
  CurlOptions m_options;
  std::uint64_t m_bytes_received = 0;
};

// Say whether `url` names a loopback host (127.0.0.0/8, localhost, [::1]), where plain http is allowed.
bool is_loopback_url(const std::string& url);

// Return `url` with credentials, path and query replaced by "…" when it may carry a secret, for logs.
std::string redact_url(const std::string& url);

}  // namespace trialwatch::fetch
