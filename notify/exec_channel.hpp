// SPDX-License-Identifier: MIT
#pragma once

#include "notify/channel.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace trialwatch::notify {

// The long-tail escape hatch: runs a program (no shell) with the event JSON on stdin and TRIALWATCH_EVENT_ID,
// TRIALWATCH_EVENT, TRIALWATCH_NCT_ID, TRIALWATCH_TITLE, TRIALWATCH_SUMMARY and TRIALWATCH_STUDY_URL in its
// environment. Exit status 0 is delivered; anything else, or running past the timeout (it is killed), is a failure.
class ExecChannel final : public Channel {
 public:
  // Run `command` (an absolute path and its arguments) for each notification, for at most `timeout`.
  ExecChannel(std::vector<std::string> command, std::chrono::milliseconds timeout);
  DeliveryResult deliver(const Notification& notification) override;

 private:
  std::vector<std::string> m_command;
  std::chrono::milliseconds m_timeout;
};

}  // namespace trialwatch::notify
