// SPDX-License-Identifier: MIT
// How much the store's trained dictionary shrinks a study it has never seen (issue #8's database size).
//
// The generated registry of the scale bench is made of the 27 recorded documents, so a dictionary trained during its
// initial load has seen every document it is then asked to compress, and the database size it gives is flattered.
// This bench measures the honest case on the recorded studies, through the store's own path (History): for each
// study, a new database stores the *other* studies (under new NCT IDs, as many times as the store needs to train its
// dictionary), then the held-out study; its standalone frame is compared with the frame it gets in a database
// without a dictionary, and with the frame it gets from a dictionary that has seen it.
//   trialwatch-dictionary-bench DATA_DIR WORK_DIR
#include "bench/corpus.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"
#include "store/history.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace fr = trialwatch::fakeregistry;
using namespace trialwatch;

namespace {

struct Study {
  std::string id;
  std::string json;  // minified, as served
};

store::NewVersion first_version(int number, const std::string& json) {
  return store::NewVersion{*core::NctId::parse(fmt::format("NCT{:08}", 30000000 + number)),
                           json,
                           fmt::format("hash-{}", number),
                           {},
                           "2026-11-25T09:00:00",
                           std::chrono::system_clock::time_point{},
                           {},
                           {},
                           {},
                           {}};
}

std::int64_t query_int(const std::filesystem::path& path, const std::string& sql) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

// Remove the database at `path` with its WAL files.
void remove_database(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

// The bytes of the standalone frame `number` was stored as.
std::int64_t frame_bytes(const std::filesystem::path& path, int number) {
  return query_int(path,
                   fmt::format("SELECT length(document) FROM versions WHERE nct_id = 'NCT{:08}'", 30000000 + number));
}

// A new database at `path` that stores `training` round after round until the store has trained its dictionary
// (at most 200 rounds), then each of `measured`; return the frame bytes of each of `measured`.
std::vector<std::int64_t> frames_after_training(const std::filesystem::path& path, const std::vector<Study>& training,
                                                const std::vector<Study>& measured) {
  remove_database(path);
  int number = 0;
  {
    auto db = store::Database::open(path, store::OpenMode::read_write);
    store::History history(db);
    for (int round = 0; round < 200 && (round == 0 || query_int(path, "SELECT count(*) FROM dictionaries") == 0);
         ++round) {
      std::vector<store::NewVersion> batch;
      for (const auto& study : training) batch.push_back(first_version(number++, study.json));
      history.record_versions(batch);
    }
    if (query_int(path, "SELECT count(*) FROM dictionaries") == 0) throw std::runtime_error("no dictionary trained");
    for (const auto& study : measured) history.record_version(first_version(number++, study.json));
  }
  std::vector<std::int64_t> frames;
  for (std::size_t i = 0; i < measured.size(); ++i)
    frames.push_back(frame_bytes(path, number - static_cast<int>(measured.size()) + static_cast<int>(i)));
  return frames;
}

// The frame bytes of `study` stored alone in a new database (no dictionary).
std::int64_t frame_alone(const std::filesystem::path& path, const Study& study) {
  remove_database(path);
  {
    auto db = store::Database::open(path, store::OpenMode::read_write);
    store::History history(db);
    history.record_version(first_version(0, study.json));
  }
  return frame_bytes(path, 0);
}

double percent(double part, double whole) { return 100.0 * part / whole; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: trialwatch-dictionary-bench DATA_DIR WORK_DIR\n");
    return 64;
  }
  try {
    std::filesystem::create_directories(argv[2]);
    const auto path = std::filesystem::path(argv[2]) / "trialwatch-dictionary-bench.db";
    std::vector<Study> studies;
    const fr::RegistryData recorded = fr::load_documents(argv[1]);
    for (const auto& [id, json] : recorded.studies()) studies.push_back({id, json.dump()});
    const auto seen = frames_after_training(path, studies, studies);

    std::printf("| study | JSON bytes | alone | dictionary without it (held out) | dictionary with it (seen) |\n");
    std::printf("|---|---|---|---|---|\n");
    std::vector<double> alone_ratio, held_ratio, seen_ratio, sizes;
    double json_total = 0, alone_total = 0, held_total = 0, seen_total = 0;
    for (std::size_t k = 0; k < studies.size(); ++k) {
      std::vector<Study> others = studies;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(k));
      const double json = static_cast<double>(studies[k].json.size());
      const double alone = static_cast<double>(frame_alone(path, studies[k]));
      const double held = static_cast<double>(frames_after_training(path, others, {studies[k]}).front());
      const double with = static_cast<double>(seen[k]);
      std::printf("| %s | %.0f | %.1f %% | %.1f %% | %.1f %% |\n", studies[k].id.c_str(), json, percent(alone, json),
                  percent(held, json), percent(with, json));
      sizes.push_back(json);
      alone_ratio.push_back(alone / json);
      held_ratio.push_back(held / json);
      seen_ratio.push_back(with / json);
      json_total += json;
      alone_total += alone;
      held_total += held;
      seen_total += with;
    }
    // The registry-sized mix of the scale bench: the same studies, weighted so the mean is the registry's 17.3 KB.
    std::vector<std::size_t> size_list(sizes.begin(), sizes.end());
    const auto copies = bench::copies_for(size_list, 1000000, bench::Mix::registry_sized);
    double mix_json = 0, mix_alone = 0, mix_held = 0, mix_seen = 0, mean_alone = 0, mean_held = 0, mean_seen = 0;
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      const double weight = static_cast<double>(copies[k]);
      mix_json += weight * sizes[k];
      mix_alone += weight * sizes[k] * alone_ratio[k];
      mix_held += weight * sizes[k] * held_ratio[k];
      mix_seen += weight * sizes[k] * seen_ratio[k];
      mean_alone += alone_ratio[k] / static_cast<double>(sizes.size());
      mean_held += held_ratio[k] / static_cast<double>(sizes.size());
      mean_seen += seen_ratio[k] / static_cast<double>(sizes.size());
    }
    std::printf("| **mean per study** | | %.1f %% | %.1f %% | %.1f %% |\n", 100 * mean_alone, 100 * mean_held,
                100 * mean_seen);
    std::printf("| **all bytes** | %.0f | %.1f %% | %.1f %% | %.1f %% |\n", json_total,
                percent(alone_total, json_total), percent(held_total, json_total), percent(seen_total, json_total));
    std::printf("| **registry-sized mix (the scale bench's)** | | %.1f %% | %.1f %% | %.1f %% |\n",
                percent(mix_alone, mix_json), percent(mix_held, mix_json), percent(mix_seen, mix_json));
    remove_database(path);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "trialwatch-dictionary-bench: %s\n", error.what());
    return 1;
  }
}
