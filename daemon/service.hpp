// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/log.hpp"
#include "daemon/delivery.hpp"
#include "daemon/service_notifier.hpp"
#include "daemon/signals.hpp"
#include "fetch/http_client.hpp"
#include "store/deadlines.hpp"
#include "store/discoveries.hpp"
#include "store/outbox.hpp"
#include "store/registry_history.hpp"
#include "store/runs.hpp"
#include "store/stored_event.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"

#include <functional>
#include <memory>

namespace trialwatch::daemon {

class EventLogFile;

// What the service runs on; everything must outlive the Service.
struct ServiceParts {
  store::WatchList& watch_list;
  store::Versions& versions;        // the same database's study versions, changes and events
  store::Runs& runs;                // the same database's sync runs and watermarks
  store::Outbox& outbox;            // the same database's notification outbox
  store::Discoveries& discoveries;  // the same database's saved-search and related-trial state
  store::RegistryHistory& history;  // the same database's backfill queue and past versions
  store::Deadlines& deadlines;      // the same database's results due dates
  fetch::HttpClient& http;          // the registry's; its transfers abort when signals.stop_flag() is set
  fetch::CurlOptions notify_http;   // for notification channels' own clients (user agent, the stop flag)
  const core::Clock& clock;
  core::Logger& logger;  // replaced (same format, new level) when a reload changes log.level
  ServiceNotifier& notifier;
  SignalWatcher& signals;
  std::function<double()> unit_random;        // uniform in [0, 1): jitter
  std::function<core::Config()> load_config;  // re-read on SIGHUP; throws core::ConfigError when the file is broken
  bool journal_events = false;                // also send each event to the journal (running under systemd)
  core::CrashPoints* crash_points = nullptr;  // test builds: TRIALWATCH_CRASHPOINT
};

// trialwatchd's main job: the sync engine on a schedule, as a systemd service. It asks /version every
// sync.check_interval (jittered) and runs a full cycle only when the registry was refreshed, a study was newly
// tracked (the watch list is polled every sync.watchlist_poll, so `trialwatch track` needs no restart) or a
// reconcile is due; it backs off after a failure, reloads its configuration on SIGHUP, and stops cleanly on
// SIGTERM or SIGINT.
class Service {
 public:
  // Run with `config` (already loaded and checked); the first cycle reconciles every study if `force_reconcile`.
  Service(ServiceParts parts, core::Config config, bool force_reconcile);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Run one cycle and return the exit code of `trialwatchd --once`: 0, or 75 when it could not complete.
  int run_once();
  // Run until SIGTERM or SIGINT; return the exit code (0).
  int run_until_stopped();

 private:
  struct CycleResult;
  CycleResult cycle();
  // Wait `wait` without touching the database (it is unreachable), showing `status`; return early for a stop.
  void wait_without_database(std::chrono::seconds wait, const std::string& status);
  void apply_config();
  void reload();
  void wait_for_next_check(std::chrono::seconds wait, const std::string& status);
  void publish(const store::StoredEvent& event);

  ServiceParts m_parts;
  core::Config m_config;
  bool m_force_reconcile;
  std::unique_ptr<EventLogFile> m_event_log;
  DeliveryWorker m_delivery;
  std::vector<core::NctId> m_waiting;  // tracked without a version after the last cycle (e.g. not at the registry)
};

}  // namespace trialwatch::daemon
