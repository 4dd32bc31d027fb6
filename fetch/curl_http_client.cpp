// SPDX-License-Identifier: MIT
#include "fetch/curl_http_client.hpp"

#include "fetch/curl_handles.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <arpa/inet.h>
#include <stdexcept>

namespace trialwatch::fetch {

namespace {

// What the write callback needs; filled per transfer.
struct Transfer {
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
  const std::atomic<bool>* cancel = nullptr;
};

extern "C" std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (transfer->body.size() + n > transfer->limit) {
    transfer->too_large = true;
    return 0;  // a short count makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  try {
    transfer->body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

extern "C" int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  const auto* transfer = static_cast<Transfer*>(user);
  return transfer->cancel != nullptr && transfer->cancel->load() ? 1 : 0;
}

TransportFailure failure_kind(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::timeout;
    case CURLE_COULDNT_CONNECT:
      return TransportFailure::connection_refused;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::dns;
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
      return TransportFailure::partial_body;
    default:
      return TransportFailure::connection_reset;
  }
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return {};
  start += 3;
  const auto at = url.find('@', start);
  const auto slash = url.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) start = at + 1;
  if (start < url.size() && url[start] == '[') return url.substr(start, url.find(']', start) + 1 - start);
  const auto end = url.find_first_of(":/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

struct CurlHttpClient::Handle {
  CurlEasy easy;
};

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl could not be initialised");
}

CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

bool is_loopback_url(const std::string& url) {
  const std::string host = host_of(url);
  if (host == "localhost" || host == "[::1]") return true;
  // An IPv4 literal in 127.0.0.0/8: four decimal octets, the first 127 (a name like 127.example.org is not one).
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "…";
  // The origin without credentials: scheme, host and port carry no secret; user info, path and query may.
  const auto authority = scheme + 3;
  const auto authority_end = std::min(url.find_first_of("/?#", authority), url.size());
  const auto at = url.rfind('@', authority_end);
  const auto host_start = at != std::string::npos && at >= authority ? at + 1 : authority;
  const std::string origin = url.substr(0, authority) + url.substr(host_start, authority_end - host_start);
  return authority_end == url.size() ? origin : origin + "/…";
}

CurlHttpClient::CurlHttpClient(CurlOptions options)
    : m_handle(std::make_unique<Handle>()), m_options(std::move(options)) {
  m_handle->easy.reset(curl_easy_init());
  if (!m_handle->easy) throw std::runtime_error("libcurl could not create a transfer handle");
}

CurlHttpClient::~CurlHttpClient() = default;

HttpOutcome CurlHttpClient::get(const std::string& url) { return perform(url, nullptr); }

HttpOutcome CurlHttpClient::post(const HttpPost& request) { return perform(request.url, &request); }

// GET `url`, or POST `post` when it is given.
HttpOutcome CurlHttpClient::perform(const std::string& url, const HttpPost* post) {
  if (url.rfind("https://", 0) != 0 && !(url.rfind("http://", 0) == 0 && is_loopback_url(url)))
    return TransportError{
        TransportFailure::connection_refused,
        fmt::format("refusing {}: only https is allowed, plain http only for loopback test servers", redact_url(url))};
  CURL* easy = m_handle->easy.get();
  curl_easy_reset(easy);  // keeps the connection cache: keep-alive across requests
  Transfer transfer;
  transfer.limit = m_options.max_body_bytes;
  transfer.cancel = m_options.cancel;
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  CurlList headers;
  if (post != nullptr) {
    for (const auto& header : post->headers) append(headers, header.c_str());
    append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, post->body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post->body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_USERAGENT, m_options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, m_options.low_speed_bytes_per_second);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(m_options.low_speed_time.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode code = curl_easy_perform(easy);
  m_bytes_received += transfer.body.size();
  if (code != CURLE_OK) {
    if (transfer.too_large)
      return TransportError{TransportFailure::too_large,
                            fmt::format("the answer from {} exceeded the {} MiB size cap", redact_url(url),
                                        m_options.max_body_bytes / (1024 * 1024))};
    if (code == CURLE_ABORTED_BY_CALLBACK)
      return TransportError{TransportFailure::connection_reset,
                            "the transfer was cancelled because trialwatchd is stopping"};
    return TransportError{
        failure_kind(code),
        fmt::format("{}: {}", redact_url(url), error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code))};
  }

  HttpResponse response;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type != nullptr)
    response.content_type = content_type;
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    response.retry_after = std::chrono::seconds(retry_after);
  const char* location = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr)
    response.location = location;
  response.body = std::move(transfer.body);
  if ((response.status < 200 || response.status > 299) && response.body.size() > m_options.max_error_body_bytes)
    response.body.resize(m_options.max_error_body_bytes);
  return response;
}

}  // namespace trialwatch::fetch
