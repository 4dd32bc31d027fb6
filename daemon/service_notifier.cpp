// SPDX-License-Identifier: MIT
#include "daemon/service_notifier.hpp"

#include "core/safe_text.hpp"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <ctime>

namespace trialwatch::daemon {

namespace {

// Send `state`; its STATUS= text went through core::for_log_line, so no newline or NUL ends it early.
void notify(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace

ServiceNotifier::ServiceNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) m_ping_interval = std::chrono::microseconds(usec / 2);
}

void ServiceNotifier::ready(std::string_view status) const {
  notify(fmt::format("READY=1\nSTATUS={}", core::for_log_line(status)));
}

void ServiceNotifier::reloading() const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec =
      static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
  notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec));
}

void ServiceNotifier::stopping() const { notify("STOPPING=1\nSTATUS=Stopping"); }

void ServiceNotifier::status(std::string_view line) const { notify("STATUS=" + core::for_log_line(line)); }

void ServiceNotifier::keep_alive() {
  if (!m_ping_interval) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_ping < *m_ping_interval) return;
  m_last_ping = now;
  notify("WATCHDOG=1");
}

}  // namespace trialwatch::daemon
