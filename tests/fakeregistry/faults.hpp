// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/json.hpp"

#include <string>

namespace trialwatch::fakeregistry {

// One scripted misbehaviour: which requests it hits and what the server does to them.
struct Fault {
  // What the server does instead of (or to) the normal answer.
  enum class Kind {
    status,        // answer `status` with a text/plain `body` (and Retry-After when `retry_after` is set)
    html,          // answer 200 with an HTML page, as a proxy or maintenance page would
    invalid_json,  // answer 200 application/json with the first half of the real body
    truncate,      // announce the real Content-Length, send `truncate_to` bytes, close the connection
    drip,          // send the real body `drip_bytes` at a time, `drip_interval_ms` apart
    reset,         // send the headers of a chunked answer, then close the connection without a body
    delay,         // only wait `delay_ms` before answering normally
    omit,          // answer normally, but leave the study whose NCT ID is `body` out of a list page, saying nothing
    json,          // answer 200 application/json with `body`: valid JSON of a shape the client does not expect
  };

  // Regular expression (ECMAScript) the request path must match, e.g. "^/api/v2/studies$"; empty matches all.
  std::string path{};
  // Regular expression (ECMAScript) searched for in the raw query string, e.g. "pageToken="; empty matches all.
  std::string query_contains{};
  // Let this many matching requests through untouched first.
  int skip = 0;
  // Apply to this many matching requests after the skipped ones; -1 for every one.
  int times = 1;

  Kind kind = Kind::status;
  int status = 503;
  std::string body{};
  std::string retry_after{};
  int delay_ms = 0;  // before the headers, for every kind
  int drip_bytes = 64;
  int drip_interval_ms = 50;
  std::size_t truncate_to = 64;

  // Build a fault from its JSON form (the POST /_control/faults body); throw JsonError when malformed.
  static Fault from_json(const Json& spec);
};

// Return the name of `kind` as used in the JSON form and the request log.
const char* fault_kind_name(Fault::Kind kind);

}  // namespace trialwatch::fakeregistry
