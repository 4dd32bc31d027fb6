// SPDX-License-Identifier: MIT
#pragma once

#include "core/paths.hpp"

#include <string>
#include <string_view>

namespace trialwatch::core {

// A test hook for crash-consistency tests: with TRIALWATCH_CRASHPOINT=NAME:N in the environment, the process ends
// at once (_exit(137), as SIGKILL would) the Nth time it passes the point NAME — e.g. "after_send", between
// sending a notification and marking it sent. Compiled in only for development and sanitizer builds
// (TRIALWATCH_CRASH_POINTS); in a release build pass() does nothing.
class CrashPoints {
 public:
  // Read TRIALWATCH_CRASHPOINT from `env`; no crash point when it is unset or malformed.
  static CrashPoints from_environment(const Environment& env);

  // Note a pass through the point `name`, ending the process if it is the chosen pass.
  void pass(std::string_view name);

 private:
  std::string m_name;
  int m_at = 0;
  int m_passes = 0;
};

}  // namespace trialwatch::core
