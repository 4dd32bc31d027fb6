// SPDX-License-Identifier: MIT
// trialwatchd --once at registry scale, day by day, against a generated registry served over loopback,
// and side by side with the naive baseline (bench/naive_sync.cpp).
//   1. scale: N tracked studies, the initial load, DAYS weekdays of changes, then a day the registry was not refreshed;
//      then DAYS more weekdays with trialwatchd running as a service (its CPU per daily cycle, without the start);
//   2. comparison: M studies, initial load and one day, with trialwatchd and with the naive baseline;
//   3. the client's query latencies on the database of step 1;
//   4. PostgreSQL beside SQLite (issue #25): the same registry (same seed) with `trialwatchd --once --db URI` against a
//      server started by the bench (bench/postgres_bench_server.hpp): initial load, DAYS days, a day not refreshed;
//      the daemon's CPU and the server's, and the client's queries on it.
// Usage: trialwatch-scale-bench DATA_DIR N DAYS M WORK_DIR. Prints Markdown; exits 1 if a target is missed.

#include "bench/generated_registry.hpp"
#include "bench/postgres_bench_server.hpp"
#include "bench/registry_server.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace trialwatch;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// What one `trialwatchd --once` cost and did.
struct CycleCost {
  std::string name;
  double wall_seconds = 0;
  double cpu_seconds = 0;          // user + system of the daemon process
  double server_cpu_seconds = -1;  // user + system of the PostgreSQL server's processes meanwhile; -1: SQLite
  double peak_rss_mb = 0;
  int exit_code = -1;
  store::RunRecord run;  // the daemon's own record: requests, bytes, checked, fetched, changed, events
  std::uint64_t db_bytes_added = 0;
  std::size_t registry_changes = 0;  // sponsor updates + reprocessing edits published that day
};

std::uint64_t database_bytes(const fs::path& db) {
  std::uint64_t total = 0;
  for (const auto* suffix : {"", "-wal"}) {
    std::error_code error;
    const auto size = fs::file_size(db.string() + suffix, error);
    if (!error) total += size;
  }
  return total;
}

// The VmHWM of process `pid` in KiB (0 once it has exited).
long high_water_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// User + system CPU seconds that the running process `pid` has used so far (/proc/PID/stat, clock-tick resolution).
double cpu_seconds_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) ": field 3, the state
  std::string skipped;
  for (int field = 3; field <= 13; ++field) fields >> skipped;
  long long user_ticks = 0, system_ticks = 0;
  fields >> user_ticks >> system_ticks;
  return static_cast<double>(user_ticks + system_ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Start `argv` with stdout and stderr appended to `log`; return its pid, or 0 if it could not start.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : 0;
}

// Run `argv` to completion with stdout and stderr to `log`; return its exit code, wall and CPU time and peak RSS.
CycleCost spawn_and_measure(const std::vector<std::string>& argv, const fs::path& log) {
  CycleCost cost;
  const auto start = Clock::now();
  const pid_t pid = spawn(argv, log);
  if (pid == 0) return cost;
  // ru_maxrss would include this process's own memory, which the child shares until it calls exec: sample the
  // child's VmHWM (the high-water mark of its own address space) every few milliseconds instead.
  int status = 0;
  rusage usage{};
  long peak_kb = 0;
  while (wait4(pid, &status, WNOHANG, &usage) == 0) {
    peak_kb = std::max(peak_kb, high_water_kb(pid));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  cost.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  cost.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  cost.peak_rss_mb = static_cast<double>(peak_kb) / 1024.0;
  cost.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return cost;
}

// A database and a configuration tracking `ids`; each cycle() is one trialwatchd --once, or one naive sync when
// `strategy` is "naive". The database is a SQLite file in `dir`, or `postgres`'s database when one is given.
class Daemon {
 public:
  Daemon(const fs::path& dir, const std::string& name, const std::vector<std::string>& ids, std::string strategy,
         std::string api_base, const bench::PostgresBenchServer* postgres = nullptr)
      : m_db(dir / (name + ".db")),
        m_config(dir / (name + ".toml")),
        m_log(dir / (name + ".log")),
        m_strategy(std::move(strategy)),
        m_api_base(std::move(api_base)),
        m_postgres(postgres),
        m_location(postgres != nullptr ? postgres->uri() : m_db.string()) {
    for (const auto* suffix : {"", "-wal", "-shm"}) fs::remove(m_db.string() + suffix);
    fs::remove(m_log);
    std::ofstream config(m_config, std::ios::trunc);
    // The registry is local: the rate limit (at most 100/s) is still paid, as wall time, not CPU. The sync's own
    // day is measured: the backfill of the registry's history has its own budget and bench (history_bench.cpp).
    config << "[api]\nrequests_per_second = 100.0\nmax_attempts = 3\n[related]\nmode = \"off\"\n"
           << "[history]\nbackfill = \"off\"\ndiscovered = \"off\"\n[sync]\ntrack = [";
    for (std::size_t i = 0; i < ids.size(); ++i) config << (i ? "," : "") << '"' << ids[i] << '"';
    config << "]\n";
  }

  CycleCost cycle(const std::string& name, std::size_t registry_changes) {
    const auto before = bytes();
    const std::vector<std::string> argv =
        m_strategy == "naive"
            ? std::vector<std::string>{NAIVE_SYNC_PATH, "--api-base", m_api_base,       "--db",
                                       m_location,      "--config",   m_config.string()}
            : std::vector<std::string>{TRIALWATCHD_PATH, "--once",   "--api-base",      m_api_base,    "--db",
                                       m_location,       "--config", m_config.string(), "--log-level", "warning"};
    const double server_before = m_postgres != nullptr ? m_postgres->cpu_seconds() : 0;
    CycleCost cost = spawn_and_measure(argv, m_log);
    // Read before this bench connects (its own backend's CPU is not the daemon's).
    if (m_postgres != nullptr) cost.server_cpu_seconds = m_postgres->cpu_seconds() - server_before;
    cost.name = name;
    cost.registry_changes = registry_changes;
    const auto after = bytes();
    cost.db_bytes_added = after > before ? after - before : 0;
    if (m_postgres != nullptr || fs::exists(m_db)) {
      auto db = store::Database::open(m_location, store::OpenMode::read_only);
      if (auto run = store::Runs(db).last()) cost.run = *run;
    }
    return cost;
  }

  // The database's size: the SQLite file and its WAL, or the PostgreSQL server's database files (without its WAL).
  std::uint64_t bytes() const { return m_postgres != nullptr ? m_postgres->data_bytes() : database_bytes(m_db); }

  // Run trialwatchd as a service (checking the registry every second) through `days` more registry days; return
  // each day's cost: the daemon's CPU and wall time from the day's publication until its completed cycle is
  // recorded. Starting, opening the database (quick_check) and merging the configuration are paid once, before.
  std::vector<CycleCost> service_days(bench::RegistryServer& server, int days) {
    const fs::path config = m_config.string() + ".service.toml";
    {
      std::ifstream once(m_config);
      std::string text((std::istreambuf_iterator<char>(once)), {});
      text.replace(text.find("[sync]\n"), 7, "[sync]\ncheck_interval = \"1s\"\n");
      std::ofstream(config, std::ios::trunc) << text;
    }
    std::vector<CycleCost> costs;
    const pid_t pid = spawn({TRIALWATCHD_PATH, "--api-base", m_api_base, "--db", m_db.string(), "--config",
                             config.string(), "--log-level", "warning"},
                            m_log);
    if (pid == 0) return costs;
    SQLite::Database db(m_db, SQLite::OPEN_READONLY);
    const auto runs = [&](const char* outcome) {
      SQLite::Statement query(db, "SELECT count(*) FROM runs WHERE outcome = ?");
      query.bind(1, outcome);
      query.executeStep();
      return query.getColumn(0).getInt64();
    };
    const auto wait_until = [](const auto& done) {
      for (const auto deadline = Clock::now() + std::chrono::minutes(10); !done() && Clock::now() < deadline;)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return done();
    };
    const auto unchanged = runs("unchanged");
    if (wait_until([&] { return runs("unchanged") > unchanged; }))  // started: its first check found nothing new
      for (int day = 1; day <= days; ++day) {
        const auto completed = runs("ok");
        const double cpu_before = cpu_seconds_of(pid);
        const auto bytes_before = database_bytes(m_db);
        const auto start = Clock::now();
        const auto changes = server.advance_day();
        if (!wait_until([&] { return runs("ok") > completed; })) break;
        CycleCost cost;
        cost.name = fmt::format("service, day {}", day);
        cost.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
        cost.cpu_seconds = cpu_seconds_of(pid) - cpu_before;
        cost.peak_rss_mb = static_cast<double>(high_water_kb(pid)) / 1024.0;
        cost.exit_code = 0;
        const auto bytes_after = database_bytes(m_db);
        cost.db_bytes_added = bytes_after > bytes_before ? bytes_after - bytes_before : 0;
        cost.registry_changes = changes.sponsor_updates + changes.reprocessed;
        SQLite::Statement last(db,
                               "SELECT requests, bytes, checked, fetched, changed, events FROM runs WHERE "
                               "outcome = 'ok' ORDER BY id DESC LIMIT 1");
        if (last.executeStep()) {
          cost.run.requests = last.getColumn(0).getInt();
          cost.run.bytes = static_cast<std::uint64_t>(last.getColumn(1).getInt64());
          cost.run.checked = last.getColumn(2).getInt();
          cost.run.fetched = last.getColumn(3).getInt();
          cost.run.changed = last.getColumn(4).getInt();
          cost.run.events = last.getColumn(5).getInt();
        }
        costs.push_back(cost);
      }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    return costs;
  }

  const fs::path& db() const { return m_db; }
  // What `--db` names: the SQLite file or the PostgreSQL URI.
  const std::string& location() const { return m_location; }

 private:
  fs::path m_db, m_config, m_log;
  std::string m_strategy, m_api_base;
  const bench::PostgresBenchServer* m_postgres;
  std::string m_location;
};

// Print the cycles' table header; `server`: with a column for the PostgreSQL server's CPU.
void print_header(bool server = false) {
  std::printf(
      "| cycle | registry edits | requests | bytes received | checked | fetched | changed | events | wall s | CPU s "
      "|%s peak RSS MB | database bytes added |\n",
      server ? " server CPU s |" : "");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|%s\n", server ? "---|" : "");
}

// Print one cycle's row; `server`: with the PostgreSQL server's CPU.
void print_row(const CycleCost& c, bool server = false) {
  const std::string server_cell = server ? fmt::format(" {:.2f} |", c.server_cpu_seconds) : "";
  std::printf("| %s | %zu | %d | %llu | %d | %d | %d | %d | %.2f | %.2f |%s %.0f | %llu |%s\n", c.name.c_str(),
              c.registry_changes, c.run.requests, static_cast<unsigned long long>(c.run.bytes), c.run.checked,
              c.run.fetched, c.run.changed, c.run.events, c.wall_seconds, c.cpu_seconds, server_cell.c_str(),
              c.peak_rss_mb, static_cast<unsigned long long>(c.db_bytes_added), c.exit_code == 0 ? "" : " **failed**");
}

// The median stored size of the versions after the first (the sponsor and reprocessing versions), in bytes.
double median_new_version_bytes(const fs::path& db_path) {
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT length(document) FROM versions WHERE version > 1 ORDER BY 1");
  std::vector<double> sizes;
  while (query.executeStep()) sizes.push_back(query.getColumn(0).getDouble());
  return sizes.empty() ? 0 : sizes[sizes.size() / 2];
}

// The median CPU seconds of `cycles`; nothing when there are none.
std::optional<double> median_cpu_seconds(const std::vector<CycleCost>& cycles) {
  std::vector<double> seconds;
  for (const auto& c : cycles) seconds.push_back(c.cpu_seconds);
  std::sort(seconds.begin(), seconds.end());
  if (seconds.empty()) return std::nullopt;
  return seconds[seconds.size() / 2];
}

// The median wall time of `trialwatch --db DB ARGS` over `runs` runs, in milliseconds.
double median_query_ms(const std::string& db, std::vector<std::string> args, int runs = 7) {
  args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", db});
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) times.push_back(spawn_and_measure(args, "/dev/null").wall_seconds * 1000);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Print the table of the client's queries on the `engine` scale database at `location` (median of 7 runs each).
void print_query_table(const char* engine, const std::string& location, const std::string& some_study) {
  std::printf("\n## Client queries on the%s scale database (median of 7 runs, process start included)\n\n", engine);
  std::puts("| command | median ms |");
  std::puts("|---|---|");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"events", "--nct", some_study}, {"history", some_study}, {"events", "--since", "7d", "--limit", "50"}}) {
    std::string text;
    for (const auto& a : args) text += (text.empty() ? "" : " ") + a;
    std::printf("| `trialwatch %s` | %.1f |\n", text.c_str(), median_query_ms(location, args));
  }
}

struct Target {
  std::string measure, target, measured;
  bool met;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: trialwatch-scale-bench DATA_DIR N DAYS M WORK_DIR\n");
    return 64;
  }
  const fs::path data = argv[1];
  const std::size_t n = std::stoul(argv[2]);
  const int days = std::stoi(argv[3]);
  const std::size_t m = std::stoul(argv[4]);
  const fs::path work = argv[5];
  fs::create_directories(work);
  std::vector<Target> targets;

  // 1. Scale: N tracked studies, day by day.
  auto started = Clock::now();
  bench::GeneratedRegistry registry(data, n, 20261124);
  bench::RegistryServer server(registry);
  std::printf("## Scale: %zu tracked studies (generated in %.1f s, mean %.0f bytes; %u cores)\n\n", n,
              std::chrono::duration<double>(Clock::now() - started).count(), registry.mean_bytes(),
              std::thread::hardware_concurrency());
  print_header();
  Daemon daemon(work, "scale", registry.ids(n), "sync", server.base_url());
  const auto initial = daemon.cycle("initial load", 0);
  print_row(initial);
  std::vector<CycleCost> daily;
  for (int day = 1; day <= days; ++day) {
    const auto changes = server.advance_day();
    daily.push_back(daemon.cycle(fmt::format("day {}", day), changes.sponsor_updates + changes.reprocessed));
    print_row(daily.back());
  }
  const auto idle = daemon.cycle("not refreshed", 0);
  print_row(idle);
  const auto service = daemon.service_days(server, days);
  for (const auto& day : service) print_row(day);

  const double median_daily_cpu = median_cpu_seconds(daily).value_or(0);
  const double per_version = median_new_version_bytes(daemon.db());
  targets.push_back(
      {"requests when the registry was not refreshed", "1", std::to_string(idle.run.requests), idle.run.requests == 1});
  // At most 120 requests per 10,000 studies (issue #20): pages of full documents sized by bytes.
  const double request_budget = 120.0 * static_cast<double>(n) / 10000.0;
  targets.push_back(
      {fmt::format("requests for the initial load of {} studies", n), fmt::format("≤ {:.0f}", request_budget),
       fmt::format("{} ({:.1f} s CPU, {:.1f} s wall)", initial.run.requests, initial.cpu_seconds, initial.wall_seconds),
       initial.run.requests <= request_budget});
  targets.push_back(
      {fmt::format("daily cycle at {} tracked (~{} sponsor updates), CPU (median of {} days)", n, n / 200,
                   daily.size()),
       "≤ 2 s",
       fmt::format("{:.2f} s (trialwatchd --once, each run opening and checking the database)", median_daily_cpu),
       median_daily_cpu <= 2.0});
  const double median_service_cpu = median_cpu_seconds(service).value_or(-1);  // -1: the service measured nothing
  targets.push_back(
      {fmt::format("daily cycle at {} tracked, CPU of the running service (median of {} days)", n, service.size()),
       "≤ 2 s", fmt::format("{:.2f} s", median_service_cpu), median_service_cpu >= 0 && median_service_cpu <= 2.0});
  targets.push_back({"stored bytes per new version (median; sponsor updates and reprocessing)", "≤ 4 KB",
                     fmt::format("{:.0f} bytes", per_version), per_version <= 4096});
  double daily_rss = 0;
  for (const auto& day : daily) daily_rss = std::max(daily_rss, day.peak_rss_mb);
  targets.push_back({fmt::format("peak RSS of a daily cycle at {} tracked", n), "≤ 150 MB",
                     fmt::format("{:.0f} MB (initial load: {:.0f} MB)", daily_rss, initial.peak_rss_mb),
                     daily_rss <= 150});

  // 4. PostgreSQL beside SQLite: the same registry days (a registry generated with the same seed), --once only.
  std::printf("\n## PostgreSQL beside SQLite: %zu tracked studies, trialwatchd --once --db postgresql://...\n\n", n);
  bench::GeneratedRegistry postgres_registry(data, n, 20261124);
  bench::RegistryServer postgres_registry_server(postgres_registry);
  std::optional<bench::PostgresBenchServer> postgres;
  std::optional<Daemon> postgres_daemon;
  std::vector<CycleCost> postgres_daily;
  CycleCost postgres_initial, postgres_idle;
  try {
    postgres.emplace();
    postgres_daemon.emplace(work, "scale-postgres", postgres_registry.ids(n), "sync",
                            postgres_registry_server.base_url(), &*postgres);
    print_header(true);
    postgres_initial = postgres_daemon->cycle("initial load", 0);
    print_row(postgres_initial, true);
    for (int day = 1; day <= days; ++day) {
      const auto changes = postgres_registry_server.advance_day();
      postgres_daily.push_back(
          postgres_daemon->cycle(fmt::format("day {}", day), changes.sponsor_updates + changes.reprocessed));
      print_row(postgres_daily.back(), true);
    }
    postgres_idle = postgres_daemon->cycle("not refreshed", 0);
    print_row(postgres_idle, true);
  } catch (const std::exception& error) {
    std::printf("\nPostgreSQL run failed: %s\n", error.what());
    postgres_daemon.reset();
  }
  if (postgres_daemon) {
    const double sqlite_day = median_cpu_seconds(daily).value_or(0);
    const double postgres_day = median_cpu_seconds(postgres_daily).value_or(0);
    std::vector<CycleCost> server_days = postgres_daily;
    for (auto& day : server_days) day.cpu_seconds = day.server_cpu_seconds;
    const double server_day = median_cpu_seconds(server_days).value_or(0);
    // The initial load's rate: the bench does not separate the time spent waiting on the registry from the rest of
    // the wall time, so the rate is per CPU second of the daemon (and, for PostgreSQL, of daemon + server).
    const auto rate = [&](double cpu) { return cpu > 0 ? static_cast<double>(n) / cpu : 0.0; };
    const double sqlite_rate = rate(initial.cpu_seconds);
    const double postgres_rate = rate(postgres_initial.cpu_seconds);
    std::printf("\n| %zu tracked | SQLite | PostgreSQL | PostgreSQL ÷ SQLite |\n|---|---|---|---|\n", n);
    std::printf("| initial load: daemon CPU s (wall s) | %.2f (%.1f) | %.2f (%.1f) | %.2f |\n", initial.cpu_seconds,
                initial.wall_seconds, postgres_initial.cpu_seconds, postgres_initial.wall_seconds,
                postgres_initial.cpu_seconds / initial.cpu_seconds);
    std::printf("| initial load: server CPU s | - | %.2f | - |\n", postgres_initial.server_cpu_seconds);
    std::printf("| initial load: studies per daemon CPU second | %.0f | %.0f (with the server's CPU: %.0f) | - |\n",
                sqlite_rate, postgres_rate, rate(postgres_initial.cpu_seconds + postgres_initial.server_cpu_seconds));
    std::printf("| a day: daemon CPU s, median of %zu | %.2f | %.2f | %.2f |\n", daily.size(), sqlite_day, postgres_day,
                sqlite_day > 0 ? postgres_day / sqlite_day : 0);
    std::printf("| a day: server CPU s, median | - | %.2f | - |\n", server_day);
    std::printf("| not refreshed: daemon CPU s (server CPU s) | %.2f | %.2f (%.2f) | - |\n", idle.cpu_seconds,
                postgres_idle.cpu_seconds, postgres_idle.server_cpu_seconds);
    std::printf("| database after the run | %llu bytes | %llu bytes (data files, without WAL) | - |\n",
                static_cast<unsigned long long>(daemon.bytes()),
                static_cast<unsigned long long>(postgres->data_bytes()));
    targets.push_back(
        {fmt::format("daily cycle at {} tracked on PostgreSQL: daemon CPU against SQLite's (median of "
                     "{} days; server CPU reported beside it)",
                     n, postgres_daily.size()),
         "≤ 1.5×",
         fmt::format("{:.2f}× ({:.2f} s against {:.2f} s; server {:.2f} s)",
                     sqlite_day > 0 ? postgres_day / sqlite_day : 0, postgres_day, sqlite_day, server_day),
         sqlite_day > 0 && postgres_day <= 1.5 * sqlite_day});
    targets.push_back({fmt::format("initial load of {} studies on PostgreSQL, studies per daemon CPU second", n),
                       "≥ 500", fmt::format("{:.0f} (SQLite: {:.0f})", postgres_rate, sqlite_rate),
                       postgres_rate >= 500});
  } else {
    targets.push_back({"PostgreSQL beside SQLite", "runs", "failed", false});
  }

  // 2. The naive strategy side by side, on an identical registry of M studies.
  std::printf("\n## trialwatch and the naive strategy: %zu tracked studies\n\n", m);
  print_header();
  std::vector<std::pair<CycleCost, CycleCost>> pairs;
  {
    bench::GeneratedRegistry sync_registry(data, m, 7);
    bench::GeneratedRegistry naive_registry(data, m, 7);
    bench::RegistryServer sync_server(sync_registry);
    bench::RegistryServer naive_server(naive_registry);
    Daemon sync(work, "compare-sync", sync_registry.ids(m), "sync", sync_server.base_url());
    Daemon naive(work, "compare-naive", naive_registry.ids(m), "naive", naive_server.base_url());
    for (int day = 0; day <= 1; ++day) {
      std::size_t edits = 0;
      if (day > 0) {
        const auto a = sync_server.advance_day();
        naive_server.advance_day();
        edits = a.sponsor_updates + a.reprocessed;
      }
      const std::string name = day == 0 ? "initial load" : "day 1";
      auto s = sync.cycle("trialwatch, " + name, edits);
      auto v = naive.cycle("naive, " + name, edits);
      print_row(s);
      print_row(v);
      pairs.emplace_back(s, v);
    }
  }
  std::puts("\n| day 1 | trialwatch | naive | trialwatch ÷ naive |");
  std::puts("|---|---|---|---|");
  const auto& [s, v] = pairs.back();
  auto ratio = [](double a, double b) { return b > 0 ? fmt::format("{:.4f}", a / b) : std::string("-"); };
  std::printf("| requests | %d | %d | %s |\n", s.run.requests, v.run.requests,
              ratio(s.run.requests, v.run.requests).c_str());
  std::printf("| bytes received | %llu | %llu | %s |\n", static_cast<unsigned long long>(s.run.bytes),
              static_cast<unsigned long long>(v.run.bytes),
              ratio(static_cast<double>(s.run.bytes), static_cast<double>(v.run.bytes)).c_str());
  std::printf("| CPU s | %.2f | %.2f | %s |\n", s.cpu_seconds, v.cpu_seconds,
              ratio(s.cpu_seconds, v.cpu_seconds).c_str());
  std::printf("| database bytes added | %llu | %llu | %s |\n", static_cast<unsigned long long>(s.db_bytes_added),
              static_cast<unsigned long long>(v.db_bytes_added),
              ratio(static_cast<double>(s.db_bytes_added), static_cast<double>(v.db_bytes_added)).c_str());
  const auto& [s0, v0] = pairs.front();
  std::printf("| database after the initial load | %llu | %llu | %s |\n",
              static_cast<unsigned long long>(s0.db_bytes_added), static_cast<unsigned long long>(v0.db_bytes_added),
              ratio(static_cast<double>(s0.db_bytes_added), static_cast<double>(v0.db_bytes_added)).c_str());
  targets.push_back({fmt::format("requests for a daily cycle with {} tracked, ~{} changed", m, m / 200), "≤ 25",
                     fmt::format("{} (naive: {})", s.run.requests, v.run.requests), m > 10000 || s.run.requests <= 25});

  // 3. The client's queries on the scale database.
  const std::string some_study = registry.ids(1).front();
  print_query_table("", daemon.location(), some_study);
  if (postgres_daemon) print_query_table(" PostgreSQL", postgres_daemon->location(), some_study);

  std::puts("\n## Targets\n");
  std::puts("| measure | target | measured | met |");
  std::puts("|---|---|---|---|");
  bool all = true;
  for (const auto& t : targets) {
    std::printf("| %s | %s | %s | %s |\n", t.measure.c_str(), t.target.c_str(), t.measured.c_str(),
                t.met ? "yes" : "**no**");
    all = all && t.met;
  }
  return all ? 0 : 1;
}
