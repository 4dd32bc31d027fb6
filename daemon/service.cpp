// SPDX-License-Identifier: MIT
#include "daemon/service.hpp"

#include "core/exit_code.hpp"
#include "daemon/backfill.hpp"
#include "daemon/cycle_client.hpp"
#include "daemon/deadline_check.hpp"
#include "daemon/event_log.hpp"
#include "daemon/journal.hpp"
#include "daemon/schedule.hpp"
#include "daemon/sync_cycle.hpp"
#include "notify/routing.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>

#include <ctime>

namespace trialwatch::daemon {

namespace {

// "HH:MM UTC" of now + `wait`.
std::string utc_clock_after(std::chrono::seconds wait) {
  const std::time_t at = std::time(nullptr) + wait.count();
  std::tm parts{};
  gmtime_r(&at, &parts);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M UTC", &parts);
  return text;
}

}  // namespace

struct Service::CycleResult {
  CycleOutcome outcome = CycleOutcome::failed;
  std::string error;
  std::size_t skipped = 0;  // studies a partial cycle skipped
};

Service::Service(ServiceParts parts, core::Config config, bool force_reconcile)
    : m_parts(std::move(parts)),
      m_config(std::move(config)),
      m_force_reconcile(force_reconcile),
      m_delivery(m_parts.outbox, m_parts.versions, m_parts.clock, m_parts.logger, m_parts.unit_random,
                 m_parts.notify_http, core::Credentials::from_environment(core::process_environment),
                 m_parts.crash_points) {
  apply_config();
}

Service::~Service() = default;

// Make the database's watch list and the sinks match the configuration: IDs in sync.track are tracked (source
// config); IDs tracked only because an earlier configuration listed them are untracked (history is kept).
void Service::apply_config() {
  track_from_config(m_config.sync.track, m_parts.watch_list, m_parts.clock.now(), m_parts.logger);
  m_delivery.configure(m_config.notify);
  if (m_config.log.event_file.empty())
    m_event_log.reset();
  else if (!m_event_log || m_event_log->path() != m_config.log.event_file)
    m_event_log = std::make_unique<EventLogFile>(m_config.log.event_file);
}

void Service::reload() {
  m_parts.notifier.reloading();
  try {
    core::Config fresh = m_parts.load_config();
    std::swap(m_config, fresh);
    try {
      apply_config();
    } catch (const std::exception&) {
      std::swap(m_config, fresh);  // e.g. an event log that cannot be opened: keep what worked
      throw;
    }
    m_parts.logger = core::Logger(*core::parse_log_level(m_config.log.level), m_parts.logger.format());
    m_parts.logger.log(core::LogLevel::info, "configuration reloaded");
  } catch (const std::exception& e) {
    m_parts.logger.log(core::LogLevel::error, "reload failed, keeping the previous configuration: {}", e.what());
  }
  m_parts.notifier.ready("Configuration reloaded");
}

void Service::publish(const store::StoredEvent& event) {
  if (m_parts.journal_events) send_to_journal(journal_fields(event));
  if (m_event_log && !m_event_log->append(event))
    m_parts.logger.log(core::LogLevel::warning, "could not append event {} to {}; it is in the database", event.id,
                       m_event_log->path().string());
}

Service::CycleResult Service::cycle() {
  CycleClient client(m_parts.http, m_config, m_parts.clock, m_parts.unit_random, &m_parts.signals.stop_flag(),
                     [this] { m_parts.notifier.keep_alive(); });
  CycleOptions options;
  options.full_reconcile = m_config.sync.full_reconcile;
  options.force_reconcile = m_force_reconcile;
  options.on_event = [this](const store::StoredEvent& event) { publish(event); };
  options.heartbeat = [this] { m_parts.notifier.keep_alive(); };
  if (m_parts.crash_points != nullptr)
    options.crash_point = [this](std::string_view name) { m_parts.crash_points->pass(name); };
  options.route = [this](core::EventType type, const std::string& nct_id, const std::string& source) {
    return notify::channels_for(m_config.notify, type, nct_id, source);
  };
  options.discovery = DiscoveryOptions{m_config.searches, m_config.related, m_config.sync.full_reconcile};
  m_parts.notifier.status(fmt::format("Syncing {} tracked studies", m_parts.watch_list.size()));
  const CycleStore store{m_parts.watch_list, m_parts.versions, m_parts.runs, m_parts.discoveries};
  const auto report = SyncCycle(client.registry(), store, m_parts.clock, m_parts.logger, options).run();
  if (report.outcome != CycleOutcome::failed) {
    m_force_reconcile = false;
    // The registry's past, after the sync's own work and within its budget; its failures never fail the cycle.
    Backfill(client.registry(), m_parts.history, m_parts.versions, m_parts.clock, m_parts.logger, m_config.history,
             options.crash_point)
        .run(report.run.data_timestamp);
  }
  // Results due, every cycle: the calendar moves whether or not the registry was refreshed or reached.
  const auto data_timestamp = report.run.data_timestamp.empty() ? m_parts.runs.completed_data_timestamp().value_or("")
                                                                : report.run.data_timestamp;
  DeadlineCheck(m_parts.deadlines, m_parts.versions, m_parts.clock, m_parts.logger,
                diff::DueAfter{m_config.results.due_after_months}, options.route, options.on_event, options.heartbeat)
      .run(data_timestamp);
  m_waiting = m_parts.watch_list.tracked_without_version();
  m_delivery.run();  // what this cycle found, and retries that came due
  return CycleResult{report.outcome, report.run.error, report.skipped.size()};
}

int Service::run_once() {
  const auto result = cycle();
  // Started by a timer: the next check is expected one check_interval from now.
  m_parts.runs.set_schedule(m_parts.clock.now() + m_config.sync.check_interval, m_config.sync.check_interval);
  if (result.outcome != CycleOutcome::failed) return 0;
  m_parts.logger.log(core::LogLevel::error, "sync failed: {}", result.error);
  return core::to_int(core::ExitCode::temp_failure);
}

int Service::run_until_stopped() {
  auto& logger = m_parts.logger;
  m_parts.notifier.ready(fmt::format("Tracking {} studies; first check now", m_parts.watch_list.size()));
  int failures = 0;
  while (!m_parts.signals.stop_requested()) {
    try {
      if (m_parts.signals.take_reload()) reload();
      const auto result = cycle();
      if (m_parts.signals.stop_requested()) break;
      StatusFacts facts;
      facts.tracked = m_parts.watch_list.size();
      facts.last_run = m_parts.runs.last();
      std::chrono::seconds wait{};
      if (result.outcome == CycleOutcome::failed) {
        ++failures;
        wait = failure_backoff(failures, m_config.sync.check_interval, m_parts.unit_random());
        facts.failure = result.error;
        facts.retry_in = wait;
        logger.log(core::LogLevel::error, "sync failed: {}; next attempt in {}", result.error, human_duration(wait));
      } else {
        failures = 0;  // a partial cycle is not a failure: what it skipped is retried at the next check
        wait = jittered(m_config.sync.check_interval, m_parts.unit_random());
        facts.skipped = result.skipped;
        facts.next_check = utc_clock_after(wait);
      }
      m_parts.runs.set_schedule(m_parts.clock.now() + wait, m_config.sync.check_interval);
      wait_for_next_check(wait, status_line(facts));
    } catch (const store::StoreError& e) {
      // A database server that went away (PostgreSQL): what was being written rolled back with the session. Wait
      // and try again, as after any failed cycle; the next statement connects afresh. Other store errors end the
      // service, as before.
      if (e.kind() != store::StoreError::Kind::unreachable) throw;
      ++failures;
      const auto wait = failure_backoff(failures, m_config.sync.check_interval, m_parts.unit_random());
      logger.log(core::LogLevel::error, "sync failed: {}; next attempt in {}", e.what(), human_duration(wait));
      wait_without_database(wait, fmt::format("Database unreachable; next attempt in {}", human_duration(wait)));
    }
  }
  m_parts.notifier.stopping();
  logger.log(core::LogLevel::info, "stopping");
  return 0;
}

// Wait `wait` feeding the watchdog, touching no database; return early for a stop.
void Service::wait_without_database(std::chrono::seconds wait, const std::string& status) {
  m_parts.notifier.status(status);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const auto ping = m_parts.notifier.ping_interval();
  const auto step = ping ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(*ping)
                         : std::chrono::steady_clock::duration(std::chrono::seconds(1));
  while (!m_parts.signals.stop_requested() && std::chrono::steady_clock::now() < deadline) {
    m_parts.signals.wait_until(std::min(deadline, std::chrono::steady_clock::now() + step));
    m_parts.notifier.keep_alive();
  }
}

// Wait `wait`, feeding the watchdog, and return early for a stop, a reload or a study tracked meanwhile.
void Service::wait_for_next_check(std::chrono::seconds wait, const std::string& status) {
  m_parts.notifier.status(status);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto step = std::chrono::duration_cast<std::chrono::steady_clock::duration>(m_config.sync.watchlist_poll);
  if (const auto ping = m_parts.notifier.ping_interval())
    step = std::min(step, std::chrono::duration_cast<std::chrono::steady_clock::duration>(*ping));
  auto& signals = m_parts.signals;
  while (!signals.stop_requested()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    signals.wait_until(std::min(deadline, now + step));
    m_parts.notifier.keep_alive();
    m_delivery.run();
    if (signals.stop_requested()) return;
    if (signals.take_reload()) {
      reload();
      return;  // check at once with the new configuration: its new studies need their baseline
    }
    if (m_parts.watch_list.tracked_without_version() != m_waiting) {
      m_parts.logger.log(core::LogLevel::info, "a newly tracked study is waiting; checking now");
      return;
    }
  }
}

}  // namespace trialwatch::daemon
