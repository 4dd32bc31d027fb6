// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace trialwatch::notify {

// What a channel sends: one change event, in words and as the JSON event object (docs/events.md).
struct Notification {
  std::string event_id;  // the idempotency key: a resend after a crash carries the same one
  std::string type;      // e.g. results_posted
  std::string nct_id;
  std::string title;      // the study's brief title
  std::string summary;    // the event's sentence
  std::string study_url;  // the study page, or its results tab for results events
  std::string event_json;
};

// Return the one-line title of `n`: "NCT06613490: results_posted", or its own title when it is about no study (a
// test notification).
inline std::string headline(const Notification& n) { return n.nct_id.empty() ? n.title : n.nct_id + ": " + n.type; }

// How one try went.
struct DeliveryResult {
  bool delivered = false;
  std::string error;                                // a sentence without secrets, when not delivered
  std::optional<std::chrono::seconds> retry_after;  // the receiver asked for at least this much patience
};

// A notification channel (webhook, ntfy, slack, smtp, exec). One try per call; the caller retries.
class Channel {
 public:
  virtual ~Channel() = default;
  // Try once to deliver `notification`.
  virtual DeliveryResult deliver(const Notification& notification) = 0;
};

}  // namespace trialwatch::notify
