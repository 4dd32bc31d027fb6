// SPDX-License-Identifier: MIT
#pragma once

#include "fetch/retry_policy.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace trialwatch::fetch {

// A complete HTTP response (any status; redirects are never followed, so a 301 arrives as itself).
struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;  // decoded (gzip removed); for non-2xx answers, capped text
  std::optional<std::chrono::seconds> retry_after;
  std::string location;  // the Location header, for 3xx
};

// A failure below HTTP, with a sentence that says what happened (secrets already redacted).
struct TransportError {
  TransportFailure kind;
  std::string message;
};

// Either a response or a transport failure.
using HttpOutcome = std::variant<HttpResponse, TransportError>;

// One HTTP POST: where, extra header lines ("Name: value"), and the body.
struct HttpPost {
  std::string url;
  std::vector<std::string> headers;
  std::string body;
};

// Performs one HTTP GET or POST. The seam between the registry protocol and the network: production uses
// CurlHttpClient; nothing else in the program knows which library does the transfer.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // GET `url` once (no retries, no redirects) and return what happened.
  virtual HttpOutcome get(const std::string& url) = 0;
  // POST `request` once (no retries, no redirects) and return what happened.
  virtual HttpOutcome post(const HttpPost& request) = 0;
};

}  // namespace trialwatch::fetch
