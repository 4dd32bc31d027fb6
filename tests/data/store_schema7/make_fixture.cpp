// SPDX-License-Identifier: MIT
// Writes tests/data/store_schema7/history.db with the store of commit d761eba (schema 7: trained dictionaries,
// CopyFinder deltas) and lists every version's SHA-256 in versions.txt. Built against that commit's tw_store only:
// it does not compile against later code, and is kept to say exactly how the fixture was made.
//   make_fixture STUDIES_DIR OUT_DIR
#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"
#include "store/detail/delta_copies.hpp"
#include "store/history.hpp"
#include "store/store_error.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace trialwatch;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

core::NctId nct(const std::string& text) { return *core::NctId::parse(text); }

// 2026-12-01T09:00:00Z plus `minutes`.
core::Clock::TimePoint at(int minutes) {
  return core::Clock::TimePoint{} + std::chrono::seconds(1796115600) + std::chrono::minutes(minutes);
}

// Replace the 7-character value (YYYY-MM) of the first `"key": "` in `doc` with `value`.
void set_month(std::string& doc, std::string_view key, const std::string& value) {
  const auto k = doc.find(fmt::format("\"{}\"", key));
  if (k == std::string::npos) throw std::runtime_error(fmt::format("no {}", key));
  const auto open = doc.find('"', doc.find(':', k)) + 1;
  doc.replace(open, 7, value);
}

// Insert `text` at the start of the value of the first `"key"` (a string).
void prepend(std::string& doc, std::string_view key, const std::string& text) {
  const auto k = doc.find(fmt::format("\"{}\"", key));
  if (k == std::string::npos) throw std::runtime_error(fmt::format("no {}", key));
  const auto open = doc.find('"', doc.find(':', k)) + 1;
  doc.insert(open, text);
}

// A sponsor edit: the verified month moves and a sentence is added to the brief summary.
std::string edited(std::string doc, int n) {
  set_month(doc, "statusVerifiedDate", fmt::format("2027-{:02}", n % 12 + 1));
  prepend(doc, "briefSummary", fmt::format("Amendment {} of the protocol. ", n));
  return doc;
}

// About `bytes` of words no earlier version holds (a rewritten description): more new text than CopyFinder takes.
std::string new_text(std::size_t bytes) {
  static const char* const words[] = {"participants", "randomised", "quarterly",    "biomarker",   "outpatient",
                                      "adjudicated",  "withdrawal", "tolerability", "crossover",   "pharmacokinetic",
                                      "cohort",       "endpoint",   "sensitivity",  "stratified",  "placebo",
                                      "dose",         "hepatic",    "renal",        "exploratory", "interim"};
  std::string text;
  std::uint32_t state = 12345;
  while (text.size() < bytes) {
    state = state * 1103515245u + 12345u;
    text += words[(state >> 16) % 20];
    text += (state >> 8) % 7 == 0 ? ". " : " ";
  }
  return text;
}

struct Writer {
  store::History& history;
  int minute = 0;
  std::map<std::string, std::vector<std::string>> stored;  // NCT ID -> every version's exact bytes

  // Store `raw` as the next version of `id`, reading the latest first as the sync cycle does before a diff.
  void store(const std::string& id, const std::string& raw) {
    (void)history.document(nct(id));
    auto& versions = stored[id];
    store::NewVersion version{nct(id), raw, sha256(raw), {}, "2026-12-01T09:00:00", at(minute++), {}, {}, {}, {}};
    if (versions.empty()) {
      version.events.push_back(core::ChangeEvent{core::EventType::study_tracked, core::Provenance::tracking, "", "", "",
                                                 "tracking started"});
      version.event_ids.push_back(id.substr(3) + fmt::format("{:024x}", versions.size() + 1));
    }
    const auto number = history.record_version(version);
    if (number != static_cast<int>(versions.size()) + 1) throw std::runtime_error("unexpected version number");
    versions.push_back(raw);
  }
};

int window_log_for(std::size_t bytes) {
  int log = 10;
  while (log < 27 && (std::size_t{1} << log) < bytes) ++log;
  return log;
}

// What the fallback (zstd's own match finder, level 2, against the prefix) makes of `raw`.
std::string zstd_delta(const std::string& raw, const std::string& prefix) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 2);
  ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, window_log_for(prefix.size() + raw.size()));
  ZSTD_CCtx_refPrefix(context, prefix.data(), prefix.size());
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t size = ZSTD_compress2(context, frame.data(), frame.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(context);
  if (ZSTD_isError(size)) throw std::runtime_error("zstd failed");
  frame.resize(size);
  return frame;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_fixture STUDIES_DIR OUT_DIR\n");
    return 64;
  }
  try {
    const fs::path studies = argv[1];
    const fs::path out = argv[2];
    fs::create_directories(out);
    const fs::path db_path = out / "history.db";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path.string() + suffix);
    const std::string a = "NCT00184067", b = "NCT02552212", c = "NCT03934567", d = "NCT06927986", e = "NCT07157670",
                      f = "NCT00973089";
    std::map<std::string, std::vector<std::string>> stored;
    {
      auto db = store::Database::open(db_path, store::OpenMode::read_write);
      store::History history(db);
      for (const auto& id : {a, b, c, d, e, f}) history.track(nct(id), "config", "", at(0));
      const auto run = history.begin_run(at(0));
      Writer writer{history, 1, {}};

      // Before the dictionary: standalone frames without one, and deltas against them.
      const std::string a1 = read(studies / (a + ".json"));
      writer.store(a, a1);
      for (int n = 2; n <= 4; ++n) writer.store(a, edited(writer.stored[a].back(), n));
      std::string a5 = writer.stored[a].back();
      prepend(a5, "briefSummary", new_text(6000));
      writer.store(a, a5);
      writer.store(b, read(studies / (b + ".v2023-12-12.json")));
      writer.store(b, read(studies / (b + ".v2024-01-03.json")));  // a real pair of registry versions
      if (SQLite::Database(db_path.string()).execAndGet("SELECT count(*) FROM dictionaries").getInt() != 0)
        throw std::runtime_error("a dictionary came too early");

      // The dictionary: 8 MiB of samples of the recorded studies, in batches that the store refuses (their last
      // version carries an event without its id), so none of those studies stays in the database; the process
      // keeps their samples and trains inside one of them, then writes the dictionary with the next standalone frame.
      std::vector<std::string> all;
      for (const auto& entry : fs::directory_iterator(studies)) all.push_back(entry.path().string());
      std::sort(all.begin(), all.end());
      // The samples the store takes of each document: its first 64 KiB, in pieces of 16 KiB (DictionaryTrainer).
      std::size_t samples = 0;
      auto sample_bytes = [](std::size_t size) { return std::min<std::size_t>(size, 64u << 10); };
      samples += sample_bytes(a1.size()) + sample_bytes(writer.stored[b].front().size());
      int throwaway = 0;
      while (samples < (8u << 20)) {
        std::vector<store::NewVersion> batch;
        for (const auto& path : all) {
          const std::string raw = read(path);
          samples += sample_bytes(raw.size());
          batch.push_back(store::NewVersion{nct(fmt::format("NCT{:08}", 90000000 + throwaway++)),
                                            raw,
                                            sha256(raw),
                                            {},
                                            "2026-12-01T09:00:00",
                                            at(writer.minute),
                                            {},
                                            {},
                                            {},
                                            {}});
        }
        batch.back().events.push_back(
            core::ChangeEvent{core::EventType::study_tracked, core::Provenance::tracking, "", "", "", "refused"});
        try {
          history.record_versions(batch);
          throw std::runtime_error("a refused batch was stored");
        } catch (const store::StoreError&) {
        }
      }
      std::printf("%d documents refused, %zu sample bytes\n", throwaway, samples);
      writer.store(c, read(studies / (c + ".json")));
      if (SQLite::Database(db_path.string()).execAndGet("SELECT count(*) FROM dictionaries").getInt() != 1)
        throw std::runtime_error("no dictionary");

      // After it: standalone frames that name it, deltas against them.
      for (int n = 2; n <= 3; ++n) writer.store(c, edited(writer.stored[c].back(), n));
      writer.store(d, read(studies / (d + ".json")));
      writer.store(e, read(studies / (e + ".json")));
      for (int n = 6; n <= 18; ++n) writer.store(a, edited(writer.stored[a].back(), n));  // v17 starts a new chain
      writer.store(b, edited(writer.stored[b].back(), 3));
      store::RunRecord record;
      record.id = run;
      record.started_at = core::format_rfc3339(at(0));
      record.finished_at = core::format_rfc3339(at(writer.minute));
      record.outcome = "ok";
      record.data_timestamp = "2026-12-01T09:00:00";
      history.finish_run(record);
      history.set_completed_data_timestamp("2026-12-01T09:00:00");
      stored = writer.stored;
    }
    {
      // A second process: the dictionary is loaded from the table, not trained.
      auto db = store::Database::open(db_path, store::OpenMode::read_write);
      store::History history(db);
      Writer writer{history, 200, stored};
      writer.store(c, edited(writer.stored[c].back(), 4));
      writer.store(f, read(studies / (f + ".json")));
      stored = writer.stored;
    }

    // Check every version through a new read-only connection and list it with how it is stored.
    auto db = store::Database::open(db_path, store::OpenMode::read_only);
    store::History history(db);
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement frames(raw, "SELECT nct_id, version, base, document FROM versions ORDER BY nct_id, version");
    std::ofstream list(out / "versions.txt");
    list << "# nct_id version sha256-of-exact-bytes bytes how-stored\n";
    std::map<std::string, int> kinds;
    store::detail::CopyFinder finder;
    int rows = 0;
    while (frames.executeStep()) {
      const std::string id = frames.getColumn(0).getString();
      const int version = frames.getColumn(1).getInt();
      const std::string frame(static_cast<const char*>(frames.getColumn(3).getBlob()),
                              static_cast<std::size_t>(frames.getColumn(3).getBytes()));
      const std::string& expected = stored.at(id).at(static_cast<std::size_t>(version - 1));
      if (history.document(nct(id), version) != expected) throw std::runtime_error("a version reads back wrong");
      std::string kind;
      if (frames.getColumn(2).isNull()) {
        const unsigned dictionary = ZSTD_getDictID_fromFrame(frame.data(), frame.size());
        kind = dictionary ? fmt::format("standalone,dictionary={}", dictionary) : "standalone";
      } else {
        const std::string& prefix = stored.at(id).at(static_cast<std::size_t>(version - 2));
        // The path VersionCodec::encode takes: CopyFinder's copies unless it finds none or leaves over 4 KiB new.
        const auto& copies = finder.find(prefix, expected);
        std::size_t copied = 0;
        for (const auto& copy : copies) copied += copy.length;
        const bool from_copies = !copies.empty() && expected.size() - copied <= 4096;
        if (!from_copies && frame != zstd_delta(expected, prefix)) throw std::runtime_error("an unexplained delta");
        kind = from_copies ? "delta,copies" : "delta,zstd";
      }
      ++kinds[kind.substr(0, kind.find('='))];
      ++rows;
      list << fmt::format("{} {} {} {} {}\n", id, version, sha256(expected), expected.size(), kind);
    }
    for (const auto& [kind, count] : kinds) std::printf("%s: %d\n", kind.c_str(), count);
    std::printf("%d versions\n", rows);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_fixture: %s\n", error.what());
    return 1;
  }
}
