// SPDX-License-Identifier: MIT
// The registry-history backfill (issue #22, docs/history.md): one tracked study with 100 past versions, served over
// loopback by the benchmark registry, backfilled in full by `trialwatchd --once`. Measures the history requests
// (target exactly 1 + 100), the wall time at the registry's 1 request/s (computed: one second a request plus the
// measured CPU of the run, which itself runs at 100 requests/s), the peak RSS above the same daemon's run without
// backfill, and the median stored bytes of a past version.
// Usage: trialwatch-history-bench DATA_DIR WORK_DIR. Prints Markdown; exits 1 if a target is missed.

#include "bench/generated_registry.hpp"
#include "bench/registry_server.hpp"
#include "tests/fakeregistry/json.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using trialwatch::fakeregistry::Json;

namespace {

constexpr int k_versions = 100;

// Past version `n` of `document`: its enrollment and submit date moved, its status changed every tenth version,
// without derivedSection (as the website serves it).
std::string past_version(const std::string& document, int n) {
  Json study = Json::parse(document);
  study.erase("derivedSection");
  study.ensure_path("protocolSection.designModule.enrollmentInfo").set("count", Json::number(100 + n));
  auto& status = study.ensure_path("protocolSection.statusModule");
  status.set("overallStatus", Json::string(n / 10 % 2 == 0 ? "RECRUITING" : "ACTIVE_NOT_RECRUITING"));
  status.set("lastUpdateSubmitDate", Json::string(fmt::format("{}-{:02}-15", 2015 + n / 12, n % 12 + 1)));
  return fmt::format(R"({{"studyVersion":{},"study":{}}})", n, study.dump());
}

// The ?history=true answer listing versions 0..k_versions-1.
std::string history_list(const std::string& document) {
  std::string changes;
  for (int n = 0; n < k_versions; ++n)
    changes += fmt::format(R"({}{{"version":{},"date":"{}-{:02}-15","status":"{}"}})", n ? "," : "", n, 2015 + n / 12,
                           n % 12 + 1, n / 10 % 2 == 0 ? "RECRUITING" : "ACTIVE_NOT_RECRUITING");
  return fmt::format(R"({{"study":{},"history":{{"changes":[{}]}}}})", document, changes);
}

struct Run {
  int exit_code = -1;
  double max_rss_mb = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
};

// One `trialwatchd --once` tracking `id` with [history] backfill `mode`, measured by GNU time.
Run run_daemon(const fs::path& work, const std::string& name, const std::string& id, const std::string& mode,
               const std::string& api_base) {
  const auto db = work / (name + ".db");
  for (const auto* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  const auto config = work / (name + ".toml");
  std::ofstream(config, std::ios::trunc)
      << "[api]\nrequests_per_second = 100.0\n[related]\nmode = \"off\"\n[history]\nbackfill = \"" << mode
      << "\"\nrequests_per_cycle = 1000\n[sync]\ntrack = [\"" << id << "\"]\n";
  const auto measures = work / (name + ".time");
  const std::string command = fmt::format(
      "/usr/bin/time -f '%x %M %U %S %e' -o '{}' '{}' --once --api-base '{}' --db '{}' --config '{}' "
      ">'{}' 2>&1",
      measures.string(), TRIALWATCHD_PATH, api_base, db.string(), config.string(), (work / (name + ".log")).string());
  (void)std::system(command.c_str());
  Run run;
  double user = 0, system = 0;
  std::ifstream(measures) >> run.exit_code >> run.max_rss_mb >> user >> system >> run.wall_seconds;
  run.max_rss_mb /= 1024.0;
  run.cpu_seconds = user + system;
  return run;
}

// The median stored size (zstd frame, delta or standalone) of the past versions in `db`.
double median_stored_bytes(const fs::path& db) {
  SQLite::Database database(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(database, "SELECT length(document) FROM past_versions WHERE document IS NOT NULL");
  std::vector<double> sizes;
  while (query.executeStep()) sizes.push_back(query.getColumn(0).getDouble());
  if (sizes.empty()) return 0;
  std::sort(sizes.begin(), sizes.end());
  return sizes[sizes.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: trialwatch-history-bench DATA_DIR WORK_DIR\n");
    return 64;
  }
  const fs::path work = argv[2];
  fs::create_directories(work);
  trialwatch::bench::GeneratedRegistry registry(argv[1], 1, 20261203);
  trialwatch::bench::RegistryServer server(registry);
  const std::string id = registry.ids(1).front();
  const std::string document = *registry.document(id);
  std::vector<std::string> versions;
  for (int n = 0; n < k_versions; ++n) versions.push_back(past_version(document, n));
  server.serve_history(id, history_list(document), versions);

  const Run baseline = run_daemon(work, "history-off", id, "off", server.base_url());
  const auto before = server.history_requests();
  const Run full = run_daemon(work, "history-full", id, "full", server.base_url());
  const auto requests = server.history_requests() - before;
  const double at_one_per_second = static_cast<double>(requests) + full.cpu_seconds;
  const double rss_above = full.max_rss_mb - baseline.max_rss_mb;
  const double median = median_stored_bytes(work / "history-full.db");

  std::printf("## Registry-history backfill: one study, %d past versions (document %zu bytes)\n\n", k_versions,
              document.size());
  std::printf("| measure | target | measured | met |\n|---|---|---|---|\n");
  bool all = baseline.exit_code == 0 && full.exit_code == 0;
  const auto row = [&all](const std::string& what, const std::string& target, const std::string& measured, bool met) {
    all = all && met;
    std::printf("| %s | %s | %s | %s |\n", what.c_str(), target.c_str(), measured.c_str(), met ? "yes" : "NO");
  };
  row("history requests, `full`", fmt::format("exactly {}", 1 + k_versions), std::to_string(requests),
      requests == 1 + k_versions);
  row("wall time at 1 request/s (requests × 1 s + measured CPU)", "≤ 120 s",
      fmt::format("{:.1f} s ({:.2f} s CPU, {:.1f} s wall at 100 requests/s)", at_one_per_second, full.cpu_seconds,
                  full.wall_seconds),
      at_one_per_second <= 120);
  row("peak RSS above the same run without backfill", "≤ 10 MB",
      fmt::format("{:.1f} MB ({:.1f} → {:.1f} MB)", rss_above, baseline.max_rss_mb, full.max_rss_mb), rss_above <= 10);
  row("stored bytes per past version (median)", "≤ 4 KB", fmt::format("{:.0f} B", median), median <= 4096);
  if (baseline.exit_code != 0 || full.exit_code != 0)
    std::printf("\ntrialwatchd failed (exit %d, %d): see %s\n", baseline.exit_code, full.exit_code,
                work.string().c_str());
  return all ? 0 : 1;
}
