// SPDX-License-Identifier: MIT
#include "daemon/service_notifier.hpp"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <ctime>

namespace trialwatch::daemon {

namespace {

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

// One line, without the newlines that would end the STATUS= field early.
std::string single_line(std::string_view text) {
  std::string line(text);
  for (auto& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return line;
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) m_ping_interval = std::chrono::microseconds(usec / 2);
}

void ServiceNotifier::ready(std::string_view status) const {
  notify(fmt::format("READY=1\nSTATUS={}", single_line(status)));
}

void ServiceNotifier::reloading() const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec =
      static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
  notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec));
}

void ServiceNotifier::stopping() const { notify("STOPPING=1\nSTATUS=Stopping"); }

void ServiceNotifier::status(std::string_view line) const { notify("STATUS=" + single_line(line)); }

void ServiceNotifier::keep_alive() {
  if (!m_ping_interval) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_ping < *m_ping_interval) return;
  m_last_ping = now;
  notify("WATCHDOG=1");
}

}  // namespace trialwatch::daemon
