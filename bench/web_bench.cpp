// SPDX-License-Identifier: MIT
// The web interface (issue #24's targets): a database of 10,000 tracked studies (the recorded documents replicated
// with new NCT IDs, registry-sized mix, each stored by the daemon's study step; a fifth with a sponsor update; due
// dates read and judged by the daemon's DeadlineCheck) plus one study with 200 versions and 1,000 events. Then
//   1. server time: web::Site::handle in-process per page, rendered from the database (a new Site each run, so no
//      page or row is kept from the one before), median and p95 of 25 runs (after one untimed run),
//   2. load: `trialwatch serve` on loopback, each page of the mix answered once, then 50 client threads, 2,000
//      requests over the mix, one connection per request (httplib's client default), then the same with keep-alive
//      connections (as browsers do).
// Usage: trialwatch-web-bench DATA_DIR [WORK_DIR] [TRIALWATCH]. Prints Markdown; exits 1 if a target is missed.

#include "bench/corpus.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "daemon/deadline_check.hpp"
#include "daemon/study_step.hpp"
#include "diff/study_facts.hpp"
#include "store/database.hpp"
#include "store/deadlines.hpp"
#include "store/queries.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry.hpp"

#include "report/results.hpp"
#include "report/study_history.hpp"
#include "web/site.hpp"
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fr = trialwatch::fakeregistry;
namespace fs = std::filesystem;
using namespace trialwatch;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t k_studies = 10000;
constexpr int k_big_versions = 200;
constexpr int k_big_events = 1000;
constexpr int k_clients = 50;
constexpr int k_requests = 2000;
constexpr int k_runs = 25;
const auto k_t0 = std::chrono::system_clock::from_time_t(1'764'547'200);   // 2025-12-01: tracking started
const auto k_now = std::chrono::system_clock::from_time_t(1'796'299'200);  // 2026-12-03: the site's today
const std::string k_big_id = "NCT49999999";

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Return the value at fraction `q` (0..1) of sorted `values`.
double quantile(std::vector<double> values, double q) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(q * static_cast<double>(values.size())))];
}

// Store `pending` in one transaction and empty it.
void flush(store::Versions& versions, std::vector<store::NewVersion>& pending) {
  if (!pending.empty()) versions.record_versions(pending);
  pending.clear();
}

// The 10,000 studies: a first version each, a sponsor update (status, date slip, a new site) for every fifth.
void add_tracked_studies(const std::vector<std::string>& models, const std::vector<std::size_t>& copies,
                         store::WatchList& watch_list, store::Versions& versions) {
  std::vector<fr::Json> studies;
  std::vector<core::NctId> ids;
  for (std::size_t m = 0; m < models.size(); ++m) {
    const fr::Json model = fr::Json::parse(models[m]);
    for (std::size_t c = 0; c < copies[m]; ++c) {
      fr::Json study = model;
      const auto id = fmt::format("NCT{:08}", 40000000 + studies.size());
      study.ensure_path("protocolSection.identificationModule").set("nctId", fr::Json::string(id));
      studies.push_back(std::move(study));
      ids.push_back(*core::NctId::parse(id));
    }
  }
  ids.push_back(*core::NctId::parse(k_big_id));
  std::sort(ids.begin(), ids.end());
  watch_list.track_exactly(ids, "config", k_t0);
  daemon::StudyStep step;
  std::vector<store::NewVersion> pending;
  const daemon::StepContext first{"t0", k_t0, "config"};
  for (const auto& study : studies) {
    pending.push_back(std::move(**step.new_version(std::move(*step.read(study.dump())), nullptr, versions, first)));
    if (pending.size() == 500) flush(versions, pending);
  }
  flush(versions, pending);
  const daemon::StepContext update{"t1", k_t0 + std::chrono::days(200), "config"};
  for (std::size_t i = 0; i < studies.size(); i += 5) {
    fr::Json study = studies[i];
    fr::edits::set_overall_status(study, "ACTIVE_NOT_RECRUITING");
    fr::edits::set_date(study, fr::edits::DateField::primary_completion, "2027-03-15", "ESTIMATED");
    fr::edits::add_location(study, "Bench Hospital", "Nanjing", "China");
    fr::edits::bump_last_update(study, "2026-06-19");
    auto document = std::move(*step.read(study.dump()));
    const auto stored = versions.study(document.id);
    if (auto version = std::move(*step.new_version(std::move(document), &*stored, versions, update)))
      pending.push_back(std::move(*version));
    if (pending.size() == 500) flush(versions, pending);
  }
  flush(versions, pending);
}

// The big study: `model` stored k_big_versions times, each a sponsor update (status every 20th version, a date slip,
// enrollment, a new site, eligibility), its events cut so that the study has exactly k_big_events; return how many it
// has.
int add_big_study(const std::string& model, store::Versions& versions) {
  fr::Json study = fr::Json::parse(model);
  study.ensure_path("protocolSection.identificationModule").set("nctId", fr::Json::string(k_big_id));
  daemon::StudyStep step;
  int events = 0;
  for (int v = 1; v <= k_big_versions; ++v) {
    if (v > 1) {
      const auto day =
          std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(k_t0) + std::chrono::days(v * 2 - 400)};
      const auto date = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()),
                                    static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
      fr::edits::set_overall_status(study, v / 20 % 2 == 0 ? "RECRUITING" : "ACTIVE_NOT_RECRUITING");
      fr::edits::set_date(study, fr::edits::DateField::primary_completion,
                          fmt::format("{:04}-{:02}-15", 2027 + v / 12, v % 12 + 1), "ESTIMATED");
      fr::edits::set_enrollment(study, 100 + v, "ESTIMATED");
      fr::edits::add_location(study, fmt::format("Bench Hospital {}", v), "Nanjing", "China");
      study.ensure_path("protocolSection.eligibilityModule")
          .set("eligibilityCriteria", fr::Json::string(fmt::format("Inclusion Criteria:\n* Age {} or older", v)));
      fr::edits::bump_last_update(study, date);
    }
    const daemon::StepContext context{fmt::format("t{}", v), k_t0 + std::chrono::days(v), "config"};
    auto document = std::move(*step.read(study.dump()));
    const auto stored = versions.study(document.id);
    auto version = std::move(*step.new_version(std::move(document), stored ? &*stored : nullptr, versions, context));
    if (!version) continue;
    const int left = k_big_events - events - (k_big_versions - v);  // keep at least one event for each later version
    const auto keep = static_cast<std::size_t>(std::clamp(left, 1, static_cast<int>(version->events.size())));
    version->events.resize(keep);
    version->event_ids.resize(keep);
    if (version->channels.size() > keep) version->channels.resize(keep);
    events += static_cast<int>(keep);
    versions.record_version(*version);
  }
  return events;
}

// Build the database at `path`; return the big study's number of events.
int build(const fs::path& data, const fs::path& path) {
  for (const auto* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  const auto [models, sizes] = bench::recorded_documents(data);
  auto db = store::Database::open(path, store::OpenMode::read_write);
  store::WatchList watch_list(db);
  store::Versions versions(db);
  add_tracked_studies(models, bench::copies_for(sizes, k_studies, bench::Mix::registry_sized), watch_list, versions);
  // The big study is the recorded document of median size (a typical record, not one of the 1 MB ones).
  std::vector<std::size_t> order(models.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] < sizes[b]; });
  const int big_events = add_big_study(models[order[order.size() / 2]], versions);
  store::Deadlines deadlines(db);
  const core::OffsetClock clock(k_now);
  const core::Logger logger(core::LogLevel::error);
  daemon::DeadlineCheck(deadlines, versions, clock, logger, diff::DueAfter{}, {}).run("t-due");
  return big_events;
}

// Server time of one page: `runs` timed calls after an untimed one.
struct Timed {
  std::vector<double> ms;
  int status = 0;
  std::size_t bytes = 0;
  std::string body;  // of the last run
};

// Time `request` rendered from the database: a new Site each run, so nothing kept by an earlier one is used.
Timed time_page(const web::SiteOptions& options, const web::Request& request) {
  Timed timed;
  for (int run = 0; run <= k_runs; ++run) {
    const web::Site site(options);
    const auto start = Clock::now();
    const auto response = site.handle(request);
    const double ms = ms_since(start);
    if (run > 0) timed.ms.push_back(ms);
    timed.status = response.status;
    timed.bytes = response.body.size();
    if (run == k_runs) timed.body = response.body;
  }
  return timed;
}

// The median milliseconds of `runs` calls of `part` (after an untimed one).
template <typename Part>
double median_ms(Part part, int runs = 10) {
  part();
  std::vector<double> ms;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    part();
    ms.push_back(ms_since(start));
  }
  return quantile(ms, 0.5);
}

// Where a dashboard's and the big study page's server time goes: the store and report calls the pages make, timed
// alone, and the statements of Queries::list() taken apart with SQL of the same shape.
void where_the_time_goes(const fs::path& path, const std::string& study_html) {
  auto db = store::Database::open(path, store::OpenMode::read_only);
  const auto today = std::chrono::floor<std::chrono::days>(k_now);
  const auto id = *core::NctId::parse(k_big_id);
  SQLite::Database sql(path.string(), SQLite::OPEN_READONLY);
  const auto count_rows = [&sql](const char* text) {
    SQLite::Statement query(sql, text);
    int rows = 0;
    while (query.executeStep()) ++rows;
    return rows;
  };
  const auto last_events = [&sql] {  // Queries::list()'s last event, looked up once per study
    SQLite::Statement ids(sql, "SELECT nct_id FROM watchlist WHERE active = 1 ORDER BY nct_id");
    SQLite::Statement last(sql,
                           "SELECT id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new, "
                           "summary, source, registry_version, posted_date FROM events WHERE nct_id = ? ORDER BY "
                           "detected_at DESC, rowid DESC LIMIT 1");
    while (ids.executeStep()) {
      last.reset();
      last.bind(1, ids.getColumn(0).getString());
      (void)last.executeStep();
    }
  };
  std::printf("\n### Where the time goes (median of 10 calls, in-process)\n\n| part | ms |\n|---|---|\n");
  const auto part = [](const std::string& what, double ms) { std::printf("| %s | %.1f |\n", what.c_str(), ms); };
  part("`/`: `store::Queries::list()` (10,001 studies)", median_ms([&] { (void)store::Queries(db).list(); }));
  part("… its main query without the per-study version count", median_ms([&] {
         count_rows(
             "SELECT w.nct_id, w.source, w.note, w.added_at, w.active, s.title, s.overall_status, "
             "s.last_update_post_date, s.state FROM watchlist w LEFT JOIN studies s ON s.nct_id = w.nct_id WHERE "
             "w.active = 1 ORDER BY w.nct_id");
       }));
  part("… the version count subquery added (`SELECT count(*) FROM versions` per study)", median_ms([&] {
         count_rows(
             "SELECT w.nct_id, w.source, w.note, w.added_at, w.active, s.title, s.overall_status, "
             "s.last_update_post_date, s.state, (SELECT count(*) FROM versions v WHERE v.nct_id = w.nct_id) FROM "
             "watchlist w LEFT JOIN studies s ON s.nct_id = w.nct_id WHERE w.active = 1 ORDER BY w.nct_id");
       }));
  part("… the last event, one statement per study (10,001 lookups)", median_ms(last_events));
  part("`/`: `report::tracked_results()` (due facts of every study, judged)",
       median_ms([&] { (void)report::tracked_results(db, today, diff::DueAfter{}); }));
  part("`/`: results posted in the last 30 days (`Queries::events`)", median_ms([&] {
         store::EventQuery posted;
         posted.types = {core::EventType::results_posted};
         posted.since = core::format_rfc3339(k_now - std::chrono::days(30));
         posted.limit = 10;
         (void)store::Queries(db).events(posted);
       }));
  part("`/study/…`: `report::study_history()`",
       median_ms([&] { (void)report::study_history(db, id, today, diff::DueAfter{}); }));
  part("`/study/…`: `WatchList::entries(true)` (to find its one entry)",
       median_ms([&] { (void)store::WatchList(db).entries(true); }));
  part("`/study/…`: `WatchList::entry()` (its one entry)", median_ms([&] { (void)store::WatchList(db).entry(id); }));
  part("`/study/…`: latest version decoded and its facts read",
       median_ms([&] { (void)diff::read_study_facts(store::Versions(db).latest(id)->raw_json); }));
  part("opening the database read-only (every request)",
       median_ms([&] { (void)store::Database::open(path, store::OpenMode::read_only); }));
  // The study page's HTML by section.
  const std::vector<std::pair<std::string, std::string>> sections{{"summary", "<h1>"},
                                                                  {"timeline SVG", "<h2 id=\"timeline\""},
                                                                  {"events table", "<h2>Events"},
                                                                  {"versions table", "<h2>Versions"}};
  std::printf("\n| `/study/%s` section | KB |\n|---|---|\n", k_big_id.c_str());
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const auto begin = study_html.find(sections[i].second);
    const auto end = i + 1 < sections.size() ? study_html.find(sections[i + 1].second) : study_html.size();
    if (begin != std::string::npos && end != std::string::npos && end > begin)
      std::printf("| %s | %.0f |\n", sections[i].first.c_str(), static_cast<double>(end - begin) / 1024);
  }
}

// `trialwatch serve` as a child process on a free loopback port; stopped with SIGTERM when destroyed.
class Server {
 public:
  Server(const std::string& program, const fs::path& db, const fs::path& log) {
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args{program, "--db", db.string(), "serve", "--listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string now = "TRIALWATCH_NOW=2026-12-03T12:00:00Z";
    std::vector<char*> envp{now.data(), nullptr};
    if (posix_spawn(&m_pid, program.c_str(), &actions, nullptr, argv.data(), envp.data()) != 0) m_pid = 0;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;  // "serving http://127.0.0.1:PORT/ (...)"
    ::close(out[0]);
    const auto colon = line.find(':', line.find("127.0.0.1"));
    if (colon != std::string::npos) m_port = std::atoi(line.c_str() + colon + 1);
  }
  ~Server() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port it listens on, 0 if it did not start.
  int port() const { return m_port; }

 private:
  pid_t m_pid = 0;
  int m_port = 0;
};

struct Load {
  int errors = 0;
  std::vector<double> ms;
  double seconds = 0;
};

// k_clients threads, each with its own client, k_requests in all over `paths` (each thread starting elsewhere).
Load load(int port, const std::vector<std::string>& paths, bool keep_alive) {
  Load load;
  std::mutex mutex;
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < k_clients; ++t)
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(keep_alive);
      client.set_read_timeout(std::chrono::seconds(30));
      std::vector<double> mine;
      int errors = 0;
      for (int i = 0; i < k_requests / k_clients; ++i) {
        const auto begin = Clock::now();
        const auto result = client.Get(paths[static_cast<std::size_t>(t + i) % paths.size()]);
        mine.push_back(ms_since(begin));
        if (!result || result->status != 200) ++errors;
      }
      const std::lock_guard lock(mutex);
      load.errors += errors;
      load.ms.insert(load.ms.end(), mine.begin(), mine.end());
    });
  for (auto& thread : threads) thread.join();
  load.seconds = ms_since(start) / 1000;
  return load;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: trialwatch-web-bench DATA_DIR [WORK_DIR] [TRIALWATCH]\n");
    return 64;
  }
  const fs::path work = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "trialwatch-web-bench";
  const std::string program = argc > 3 ? argv[3] : TRIALWATCH_CLI_PATH;
  fs::create_directories(work);
  const auto db = work / "web.db";
  const auto build_start = Clock::now();
  const int big_events = build(argv[1], db);
  const double build_s = ms_since(build_start) / 1000;
  ::sync();
  // The site keeps the dashboard's rows only of files unchanged for a second (web/dashboard_rows.cpp), as a server
  // finds them between the daemon's writes.
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const core::OffsetClock clock(k_now);
  const web::SiteOptions options{db, diff::DueAfter{}, &clock};
  std::printf(
      "## Web interface (%u cores; database: %zu tracked studies + %s with %d versions and %d events, "
      "%.0f MB, built in %.0f s)\n\n",
      std::thread::hardware_concurrency(), k_studies, k_big_id.c_str(), k_big_versions, big_events,
      static_cast<double>(fs::file_size(db)) / 1e6, build_s);
  std::printf("| measure | target | measured | met |\n|---|---|---|---|\n");
  bool all = true;
  const auto row = [&all](const std::string& what, const std::string& target, const std::string& measured, bool met) {
    all = all && met;
    std::printf("| %s | %s | %s | %s |\n", what.c_str(), target.c_str(), measured.c_str(), met ? "yes" : "**no**");
  };
  struct Page {
    std::string label;
    web::Request request;
    double target_ms;  // 0: no target
    std::size_t target_bytes;
  };
  const auto get = [](std::string path, std::vector<std::pair<std::string, std::string>> params = {}) {
    return web::Request{"GET", std::move(path), std::move(params)};
  };
  const std::vector<Page> pages{
      {"`/` (dashboard, page 1 of 101)", get("/"), 100, 0},
      {"`/?page=50`", get("/", {{"page", "50"}}), 100, 0},
      {"`/?sort=due`", get("/", {{"sort", "due"}}), 100, 0},
      {"`/study/" + k_big_id + "` (200 versions, 1,000 events)", get("/study/" + k_big_id), 50, 300 * 1024},
      {"`/events`", get("/events"), 0, 0},
      {"`/api/studies`", get("/api/studies"), 0, 0},
      {"`/api/events?limit=100`", get("/api/events", {{"limit", "100"}}), 0, 0},
  };
  std::string study_html;
  for (const auto& p : pages) {
    const Timed t = time_page(options, p.request);
    if (p.target_bytes != 0) study_html = t.body;
    const double median = quantile(t.ms, 0.5), p95 = quantile(t.ms, 0.95);
    const bool ok = t.status == 200 && (p.target_ms == 0 || median <= p.target_ms);
    row(p.label + " server time, median (p95)", p.target_ms == 0 ? "-" : fmt::format("≤ {:.0f} ms", p.target_ms),
        fmt::format("{:.1f} ms ({:.1f}); {} KB{}", median, p95, t.bytes / 1024,
                    t.status == 200 ? "" : fmt::format(", status {}", t.status)),
        ok);
    if (p.target_bytes != 0)
      row("`/study/" + k_big_id + "` HTML size", "≤ 300 KB", fmt::format("{:.0f} KB", t.bytes / 1024.0),
          t.bytes <= p.target_bytes);
  }

  const Server server(program, db, work / "serve.log");
  if (server.port() == 0) {
    std::printf("\n`%s serve` did not start: see %s\n", program.c_str(), (work / "serve.log").c_str());
    return 1;
  }
  const std::vector<std::string> mix{"/", "/study/" + k_big_id, "/events", "/api/events?limit=50", "/style.css"};
  {  // a server that has been up a while has answered each page once since the daemon last wrote
    httplib::Client warm("127.0.0.1", server.port());
    for (const auto& path : mix) warm.Get(path.c_str());
  }
  for (const bool keep_alive : {false, true}) {
    const Load l = load(server.port(), mix, keep_alive);
    const double p99 = quantile(l.ms, 0.99);
    row(fmt::format("{} clients, {} requests ({}; each page answered once before), errors; p50 / p99; throughput",
                    k_clients, k_requests, keep_alive ? "keep-alive connections" : "a connection per request"),
        "no error, p99 ≤ 200 ms",
        fmt::format("{} errors; {:.0f} / {:.0f} ms; {:.0f} requests/s", l.errors, quantile(l.ms, 0.5), p99,
                    static_cast<double>(l.ms.size()) / l.seconds),
        l.errors == 0 && p99 <= 200);
  }
  where_the_time_goes(db, study_html);
  if (std::getenv("TRIALWATCH_BENCH_KEEP") == nullptr)  // keep it to profile a page by hand
    for (const auto* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  return all ? 0 : 1;
}
