// SPDX-License-Identifier: MIT
// Sync-engine throughput on the real corpus replicated to N studies, one thread:
//   1. normalise + hash of unchanged documents (what every reconcile does to every study),
//   2. the cycle's own per-study step (daemon::StudyStep: facts, hash, diff, classify, event ids) + compress + store of
//      changed documents (transactions batched as the cycle does),
//   3. bytes stored per version against the raw JSON size.
// Usage: trialwatch-sync-bench DATA_DIR [N] [DB_DIR] [REPEATS]. Each mix is measured REPEATS times (default 3) on a
// fresh database; prints a Markdown table of medians and ranges; exits 1 if a median misses a target.

#include "bench/corpus.hpp"
#include "daemon/study_step.hpp"
#include "daemon/sync_cycle.hpp"
#include "diff/normalise.hpp"
#include "diff/study_facts.hpp"
#include "store/database.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

namespace fr = trialwatch::fakeregistry;
using namespace trialwatch;
using Clock = std::chrono::steady_clock;
using bench::copies_for;
using bench::Mix;

namespace {

struct Corpus {
  std::vector<std::string> before;  // as served: minified
  std::vector<std::string> after;   // a sponsor update of each: status, date slip, a new site
  std::uint64_t raw_bytes = 0;
};

Corpus build_corpus(const std::filesystem::path& data, std::size_t n, Mix mix) {
  const auto [models, sizes] = bench::recorded_documents(data);
  const auto copies = copies_for(sizes, n, mix);
  Corpus corpus;
  std::size_t number = 0;
  for (std::size_t m = 0; m < models.size(); ++m) {
    const fr::Json model = fr::Json::parse(models[m]);
    for (std::size_t c = 0; c < copies[m]; ++c) {
      fr::Json study = model;
      study.ensure_path("protocolSection.identificationModule")
          .set("nctId", fr::Json::string(fmt::format("NCT{:08}", 20000000 + number++)));
      corpus.before.push_back(study.dump());
      fr::edits::set_overall_status(study, "ACTIVE_NOT_RECRUITING");
      fr::edits::set_date(study, fr::edits::DateField::primary_completion, "2027-03-15", "ESTIMATED");
      fr::edits::add_location(study, "Bench Hospital", "Nanjing", "China");
      fr::edits::bump_last_update(study, "2026-11-24");
      corpus.after.push_back(study.dump());
      corpus.raw_bytes += corpus.before.back().size();
    }
  }
  return corpus;
}

// Where the changed path's time goes, summed over all studies.
struct Phases {
  double read = 0, load = 0, compare = 0, store = 0;
  // Add the time since `mark` to `phase` and move `mark` to now.
  static void add(double& phase, Clock::time_point& mark) {
    const auto now = Clock::now();
    phase += std::chrono::duration<double>(now - mark).count();
    mark = now;
  }
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU seconds this thread has used so far (user and system).
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// One measurement of both paths over a corpus.
struct Measured {
  double normalise_rate = 0;
  double change_rate = 0;
  double change_cpu_rate = 0;  // the same, per CPU second of this thread (without waits for the disk)
  double new_cpu_rate = 0;     // new studies (an initial load's path), per CPU second of this thread
  std::size_t changes = 0, events = 0;
  double stored_per_baseline = 0, stored_per_change = 0;
  Phases phases;
};

// Store each study's first version the way an initial load does, minus the network and the page parse: the cycle's
// study step (facts, hash, the "tracking started" event and its id), written in the cycle's batches. The watch list is
// written first, in one transaction, as the daemon does from its configuration. Returns the CPU seconds of this thread.
double store_baseline(const Corpus& corpus, store::WatchList& watch_list, store::Versions& versions,
                      std::chrono::system_clock::time_point now) {
  std::vector<core::NctId> ids;
  for (const auto& doc : corpus.before) ids.push_back(*core::NctId::parse(diff::read_study_facts(doc)->nct_id));
  std::sort(ids.begin(), ids.end());
  watch_list.track_exactly(ids, "config", now);
  daemon::StudyStep step;
  const daemon::CycleOptions cycle;
  const daemon::StepContext context{"t0", now, "config"};
  std::vector<store::NewVersion> baseline;
  std::size_t pending_bytes = 0;
  const double cpu_start = thread_cpu_seconds();
  for (std::size_t i = 0; i < corpus.before.size(); ++i) {
    auto study = step.read(corpus.before[i]);
    auto version = step.new_version(std::move(*study), nullptr, versions, context);
    pending_bytes += (*version)->raw_json.size();
    baseline.push_back(std::move(**version));
    if (baseline.size() >= cycle.commit_studies || pending_bytes >= cycle.commit_bytes ||
        i + 1 == corpus.before.size()) {
      versions.record_versions(baseline);
      baseline.clear();
      pending_bytes = 0;
    }
  }
  return thread_cpu_seconds() - cpu_start;
}

// What one pass of the changed path did and where its time went.
struct ChangedPass {
  double seconds = 0, cpu_seconds = 0;
  std::size_t changes = 0, events = 0;
  Phases phases;
};

// The whole per-study path of a sync cycle for each changed document, minus the network: the cycle's study step, then
// the cycle's batched commits. The stored state is read per study here (the cycle reads all of them in one query).
// Not inlined, so a profiler (valgrind --tool=callgrind --toggle-collect='*changed_path*') can count this pass alone.
[[gnu::noinline]] ChangedPass changed_path(const Corpus& corpus, store::Versions& versions,
                                           std::chrono::system_clock::time_point now) {
  daemon::StudyStep step;
  const daemon::CycleOptions cycle;  // commit as the sync cycle does: by count or by document bytes
  const daemon::StepContext context{"t1", now, "config"};
  std::size_t pending_bytes = 0;
  std::vector<store::NewVersion> pending;
  ChangedPass pass;
  Phases& phases = pass.phases;
  const auto start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (std::size_t i = 0; i < corpus.after.size(); ++i) {
    auto mark = Clock::now();
    auto study = step.read(corpus.after[i]);
    phases.add(phases.read, mark);
    const auto stored = versions.study(study->id);
    phases.add(phases.load, mark);
    auto version = step.new_version(std::move(*study), stored ? &*stored : nullptr, versions, context);
    pass.events += (*version)->events.size();
    pass.changes += (*version)->changes.size();
    pending_bytes += (*version)->raw_json.size();
    pending.push_back(std::move(**version));
    phases.add(phases.compare, mark);
    if (pending.size() >= cycle.commit_studies || pending_bytes >= cycle.commit_bytes || i + 1 == corpus.after.size()) {
      versions.record_versions(pending);
      pending.clear();
      pending_bytes = 0;
      phases.add(phases.store, mark);
    }
  }
  pass.seconds = seconds_since(start);
  pass.cpu_seconds = thread_cpu_seconds() - cpu_start;
  return pass;
}

Measured measure(const Corpus& corpus, const std::filesystem::path& db_dir) {
  const auto n = static_cast<double>(corpus.before.size());
  // 1. Unchanged documents: normalise and hash.
  const auto start = Clock::now();
  std::size_t hashed = 0;
  diff::Normaliser normaliser;
  for (const auto& doc : corpus.before) hashed += normaliser.hash(doc)->size();
  const double normalise_seconds = seconds_since(start);
  (void)hashed;

  const auto db_path = db_dir / "trialwatch-sync-bench.db";
  std::filesystem::remove(db_path);
  auto db = store::Database::open(db_path, store::OpenMode::read_write);
  store::WatchList watch_list(db);
  store::Versions versions(db);
  const auto now = std::chrono::system_clock::now();
  const double baseline_cpu_seconds = store_baseline(corpus, watch_list, versions, now);
  const auto baseline_bytes = std::filesystem::file_size(db_path);
  // 2. Changed documents.
  const ChangedPass pass = changed_path(corpus, versions, now);
  const auto total_bytes = std::filesystem::file_size(db_path);

  std::filesystem::remove(db_path);
  std::filesystem::remove(db_path.string() + "-wal");
  std::filesystem::remove(db_path.string() + "-shm");
  return Measured{n / normalise_seconds,
                  n / pass.seconds,
                  n / pass.cpu_seconds,
                  n / baseline_cpu_seconds,
                  pass.changes,
                  pass.events,
                  static_cast<double>(baseline_bytes) / n,
                  static_cast<double>(total_bytes - baseline_bytes) / n,
                  pass.phases};
}

// The values of `pick` over `runs`, sorted.
template <typename Pick>
std::vector<double> sorted_values(const std::vector<Measured>& runs, Pick pick) {
  std::vector<double> values;
  for (const auto& m : runs) values.push_back(pick(m));
  std::sort(values.begin(), values.end());
  return values;
}

// The median of `pick` over `runs`.
template <typename Pick>
double median_of(const std::vector<Measured>& runs, Pick pick) {
  const auto values = sorted_values(runs, pick);
  return values[values.size() / 2];
}

// The median and the range of `pick` over `runs`, as "median (min–max)" with `digits` decimals.
template <typename Pick>
std::string median_range(const std::vector<Measured>& runs, Pick pick, int digits) {
  const auto values = sorted_values(runs, pick);
  return fmt::format("{:.{}f} ({:.{}f}–{:.{}f})", values[values.size() / 2], digits, values.front(), digits,
                     values.back(), digits);
}

// Measure `corpus` `repeats` times (each on a fresh database), print its rows and return the median rates.
Measured run(const Corpus& corpus, const std::filesystem::path& db_dir, Mix mix, int repeats) {
  std::vector<Measured> runs;
  for (int i = 0; i < repeats; ++i) runs.push_back(measure(corpus, db_dir));
  const auto n = static_cast<double>(corpus.before.size());
  const double raw_mean = static_cast<double>(corpus.raw_bytes) / n;
  const Measured& first = runs.front();  // sizes and counts do not vary between runs
  const char* name = mix == Mix::uniform ? "uniform replication" : "registry-sized mix";
  std::printf("| %s: studies | ≥ 10,000 | %zu, mean raw JSON %.0f bytes; median of %d runs (range) |\n", name,
              corpus.before.size(), raw_mean, repeats);
  std::printf("| %s: normalise + hash, unchanged documents | ≥ 20,000 studies/s | %s studies/s |\n", name,
              median_range(
                  runs, [](const Measured& m) { return m.normalise_rate; }, 0)
                  .c_str());
  std::printf(
      "| %s: normalise + diff + classify + compress + store, changed documents | ≥ 2,000 studies/s | %s "
      "studies/s (%zu field changes, %zu events) |\n",
      name,
      median_range(
          runs, [](const Measured& m) { return m.change_rate; }, 0)
          .c_str(),
      first.changes, first.events);
  std::printf("| %s: the same, per CPU second (disk waits excluded) | report | %s studies/CPU-s |\n", name,
              median_range(
                  runs, [](const Measured& m) { return m.change_cpu_rate; }, 0)
                  .c_str());
  std::printf(
      "| %s: new studies, an initial load's path without the network (facts, hash, event, compress, store) | report "
      "(issue #8's 5,000 studies per CPU-s counts the daemon's receiving and page checks too) | %s studies/CPU-s |\n",
      name,
      median_range(
          runs, [](const Measured& m) { return m.new_cpu_rate; }, 0)
          .c_str());
  std::printf("| %s: database bytes per baseline version (zstd level 3) | report | %.0f (%.1f%% of raw) |\n", name,
              first.stored_per_baseline, 100.0 * first.stored_per_baseline / raw_mean);
  std::printf(
      "| %s: database bytes per changed version, with its field changes and events | report | %.0f (%.1f%% "
      "of raw) |\n",
      name, first.stored_per_change, 100.0 * first.stored_per_change / raw_mean);
  const double per_study_ms = 1000.0 / n;
  const auto phase = [&](double Phases::*which) {
    return median_range(
        runs, [&](const Measured& m) { return m.phases.*which * per_study_ms; }, 3);
  };
  std::printf(
      "| %s: changed path per study, ms | report | read facts + normalise %s, load stored state %s, load stored "
      "document + diff + classify + event ids %s, compress + store %s |\n",
      name, phase(&Phases::read).c_str(), phase(&Phases::load).c_str(), phase(&Phases::compare).c_str(),
      phase(&Phases::store).c_str());
  std::fflush(stdout);
  Measured median;
  median.change_rate = median_of(runs, [](const Measured& m) { return m.change_rate; });
  median.normalise_rate = median_of(runs, [](const Measured& m) { return m.normalise_rate; });
  return median;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [N] [DB_DIR]\n", argv[0]);
    return 64;
  }
  const std::size_t n = argc > 2 ? std::stoul(argv[2]) : 10000;
  const std::filesystem::path db_dir = argc > 3 ? argv[3] : std::filesystem::temp_directory_path();
  const int repeats = argc > 4 ? std::stoi(argv[4]) : 3;
  std::printf("| measure | target | measured |\n|---|---|---|\n");
  bool met = true;
  for (const Mix mix : {Mix::uniform, Mix::registry_sized}) {
    const Measured median = run(build_corpus(argv[1], n, mix), db_dir, mix, repeats);
    met = met && median.normalise_rate >= 20000 && median.change_rate >= 2000;
  }
  return met ? 0 : 1;
}
