// SPDX-License-Identifier: MIT
// trialwatchd: keeps a local history of ClinicalTrials.gov records and records what changes. The composition
// root: the only place where the concrete curl client, the database and the sync cycle meet.

#include "core/config/config.hpp"
#include "core/credentials.hpp"
#include "core/exit_code.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/version.hpp"
#include "daemon/cycle_client.hpp"
#include "daemon/delivery.hpp"
#include "daemon/journal.hpp"
#include "daemon/logged_http_client.hpp"
#include "daemon/service.hpp"
#include "daemon/service_notifier.hpp"
#include "daemon/signals.hpp"
#include "fetch/curl_http_client.hpp"
#include "fetch/registry_client.hpp"
#include "store/database.hpp"
#include "store/deadlines.hpp"
#include "store/discoveries.hpp"
#include "store/outbox.hpp"
#include "store/registry_history.hpp"
#include "store/runs.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <unistd.h>

namespace {

using trialwatch::core::ExitCode;
using trialwatch::core::to_int;
namespace core = trialwatch::core;
namespace daemon = trialwatch::daemon;
namespace fetch = trialwatch::fetch;
namespace notify = trialwatch::notify;
namespace store = trialwatch::store;

struct Flags {
  std::string config;
  std::string db;
  std::string api_base;
  bool once = false;
  bool reconcile = false;
  std::string notify_test;  // a channel name: send it a test notification and exit
  std::string log_level;    // empty: log.level of the configuration
};

core::Config load_configuration(const Flags& flags) {
  const auto env = core::process_environment;
  if (!flags.config.empty()) return core::load_config_file(flags.config);
  if (const auto path = env("TRIALWATCH_CONFIG"); path && !path->empty()) return core::load_config_file(*path);
  const auto path = core::default_config_path(env, ::geteuid() == 0);
  if (!std::filesystem::exists(path)) return core::Config{};  // no file: the built-in defaults
  return core::load_config_file(path);
}

std::filesystem::path database_path(const Flags& flags) {
  std::filesystem::path path =
      flags.db.empty() ? core::default_database_path(core::process_environment) : std::filesystem::path(flags.db);
  if (!store::is_postgres_location(path.native()) && path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error)
      throw store::StoreError(store::StoreError::Kind::io,
                              fmt::format("cannot create the database folder {} ({}); choose another with --db",
                                          path.parent_path().string(), error.message()));
  }
  return path;
}

// The configuration as the service uses it: the file (or the defaults) with the command line's overrides, checked.
core::Config effective_configuration(const Flags& flags) {
  core::Config config = load_configuration(flags);
  if (!flags.api_base.empty()) {
    if (flags.api_base.rfind("https://", 0) != 0 && flags.api_base.rfind("http://", 0) != 0)
      throw core::ConfigError(fmt::format("--api-base {}: give an http:// or https:// URL", flags.api_base));
    config.api.base_url = flags.api_base;
    while (!config.api.base_url.empty() && config.api.base_url.back() == '/') config.api.base_url.pop_back();
  }
  for (const auto& [key, url] : {std::pair<std::string, std::string>{"api.base_url", config.api.base_url},
                                 {"history.base_url", core::history_base_url(config)}})
    if (url.rfind("http://", 0) == 0 && !fetch::is_loopback_url(url))
      throw core::ConfigError(fmt::format("{} {}: plain http is allowed only for loopback test servers; use https", key,
                                          fetch::redact_url(url)));
  if (!flags.log_level.empty()) config.log.level = flags.log_level;
  return config;
}

// Keep descriptors 0-2 open, so a stray write to stderr can never land in the database file (howtocorrupt.html).
void guard_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd)
    if (fcntl(fd, F_GETFD) < 0) open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
}

// The clock: the system's, or with TRIALWATCH_NOW set (tests, demos) one that starts at that time and runs on.
std::unique_ptr<core::Clock> make_clock() {
  const auto start = core::process_environment("TRIALWATCH_NOW");
  if (!start || start->empty()) return std::make_unique<core::SystemClock>();
  const auto parsed = core::parse_utc_time(*start);
  if (!parsed)
    throw core::ConfigError(
        fmt::format("TRIALWATCH_NOW={}: give an RFC 3339 UTC time such as 2027-10-21T12:00:00Z", *start));
  return std::make_unique<core::OffsetClock>(*parsed);
}

// How this daemon names itself as a database's writer: "host HOSTNAME PID N".
std::string writer_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("host {} PID {}", host[0] != '\0' ? host : "unknown", ::getpid());
}

int run(const Flags& flags, core::Logger& logger, daemon::SignalWatcher& signals) {
  core::Config config = effective_configuration(flags);
  logger = core::Logger(*core::parse_log_level(config.log.level), logger.format());

  auto database = store::Database::open(database_path(flags), store::OpenMode::read_write);
  database.claim_writer(writer_name());
  store::WatchList watch_list(database);
  store::Versions versions(database);
  store::Runs runs(database);
  store::Outbox outbox(database);
  store::Discoveries discoveries(database);
  store::RegistryHistory history(database);
  store::Deadlines deadlines(database);
  const auto clock_owner = make_clock();
  const core::Clock& clock = *clock_owner;

  const fetch::CurlGlobal curl;
  fetch::CurlOptions curl_options;
  curl_options.user_agent = core::k_user_agent;
  curl_options.cancel = &signals.stop_flag();
  curl_options.connect_timeout = config.api.connect_timeout;
  curl_options.total_timeout = config.api.timeout;
  curl_options.low_speed_time = config.api.stall_timeout;
  curl_options.max_body_bytes = static_cast<std::size_t>(config.api.max_response_mib) << 20;
  fetch::CurlHttpClient curl_http(curl_options);
  daemon::LoggedHttpClient http(curl_http, logger);
  std::mt19937_64 engine{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  daemon::ServiceNotifier notifier;
  auto crash_points = core::CrashPoints::from_environment(core::process_environment);

  logger.log(core::LogLevel::info, "trialwatchd {} using {} and {}", core::k_version, database.name(),
             fetch::redact_url(config.api.base_url));
  daemon::ServiceParts parts{watch_list,
                             versions,
                             runs,
                             outbox,
                             discoveries,
                             history,
                             deadlines,
                             http,
                             curl_options,
                             clock,
                             logger,
                             notifier,
                             signals,
                             [&] { return uniform(engine); },
                             [&] { return effective_configuration(flags); },
                             logger.format() == core::Logger::Format::journal_prefixed,
                             &crash_points};
  if (!flags.notify_test.empty()) {
    daemon::DeliveryWorker worker(
        outbox, versions, clock, logger, [] { return 0.5; }, curl_options,
        core::Credentials::from_environment(core::process_environment));
    worker.configure(config.notify);
    const auto result = worker.send_test(flags.notify_test);
    if (!result.delivered) {
      logger.log(core::LogLevel::error, "test notification through '{}' failed: {}", flags.notify_test, result.error);
      return to_int(ExitCode::unavailable);
    }
    std::printf("test notification sent through '%s'\n", flags.notify_test.c_str());
    return 0;
  }
  daemon::Service service(std::move(parts), std::move(config), flags.reconcile);
  return flags.once ? service.run_once() : service.run_until_stopped();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trialwatchd - keep a local history of ClinicalTrials.gov records and record what changes"};
  app.set_version_flag("--version", std::string("trialwatchd ") + core::k_version);
  Flags flags;
  app.add_option("--config", flags.config, "configuration file (default: $TRIALWATCH_CONFIG or the XDG/etc path)");
  app.add_option("--db", flags.db, "database file (default: $TRIALWATCH_DB, $STATE_DIRECTORY or the XDG state path)");
  app.add_option("--api-base", flags.api_base, "registry API root (default https://clinicaltrials.gov/api/v2)");
  app.add_flag("--once", flags.once, "run one complete sync cycle and exit (0 ok, 75 incomplete, 78 bad config)");
  app.add_option("--notify-test", flags.notify_test,
                 "send a test notification through the [[notify]] channel NAME and exit (0 sent, 69 not)");
  app.add_flag("--reconcile", flags.reconcile,
               "check every tracked study in full in the first cycle (it also happens every sync.full_reconcile)");
  app.add_option("--log-level", flags.log_level, "debug, info, warning or error (default: log.level, info)")
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::usage);
  }
  guard_standard_descriptors();
  std::signal(SIGPIPE, SIG_IGN);  // a receiver or registry that hangs up is an error to report, not a reason to die
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit reached is a full disk to report (EFBIG), not a reason to die
  daemon::SignalWatcher signals;  // before any thread starts: every thread inherits the blocked signals
  core::Logger logger(core::LogLevel::info, daemon::stderr_is_journal() ? core::Logger::Format::journal_prefixed
                                                                        : core::Logger::Format::plain);
  try {
    return run(flags, logger, signals);
  } catch (const core::ConfigError& e) {
    logger.log(core::LogLevel::error, "{}", e.what());
    return to_int(ExitCode::config);
  } catch (const store::StoreError& e) {
    logger.log(core::LogLevel::error, "{}", e.what());
    // --once on an unreachable database server is a temporary failure, as an unreachable registry is.
    if (flags.once && e.kind() == store::StoreError::Kind::unreachable) return to_int(ExitCode::temp_failure);
    return to_int(e.exit_code());
  } catch (const std::exception& e) {
    logger.log(core::LogLevel::error, "trialwatchd failed: {}", e.what());
    return to_int(ExitCode::failure);
  }
}
