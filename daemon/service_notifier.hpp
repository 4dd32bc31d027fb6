// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::daemon {

// Tells systemd how the service is doing through sd_notify (Type=notify). Every call is a no-op when
// $NOTIFY_SOCKET is unset, so the same binary runs in a terminal.
class ServiceNotifier {
 public:
  // Read the watchdog period systemd asked for (WatchdogSec=), if any.
  ServiceNotifier();

  // READY=1 with a first STATUS= line: the database is open and migrated (sent before the first sync).
  void ready(std::string_view status) const;
  // RELOADING=1 with MONOTONIC_USEC=, at the start of a SIGHUP reload (ready() ends it).
  void reloading() const;
  // STOPPING=1, when a stop was requested.
  void stopping() const;
  // STATUS=: one line saying what the daemon is doing or when it checks next.
  void status(std::string_view line) const;
  // WATCHDOG=1 when half the watchdog period has passed since the last one; cheap enough to call very often.
  // Called from the main loop only, so a stuck loop stops the pings and systemd restarts the service.
  void keep_alive();

  // Return the interval at which keep_alive() pings, or nothing when systemd set no watchdog.
  std::optional<std::chrono::microseconds> ping_interval() const noexcept { return m_ping_interval; }

 private:
  std::optional<std::chrono::microseconds> m_ping_interval;
  std::chrono::steady_clock::time_point m_last_ping{};
};

}  // namespace trialwatch::daemon
