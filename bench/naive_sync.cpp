// SPDX-License-Identifier: MIT
// The scale bench's naive baseline (docs/performance.md): one GET /studies/{id} per tracked study, no /version gate
// and no watermark, the whole text compared with the last stored one (so a versionHolder-only change counts),
// changed documents stored uncompressed in a table of their own. It records the run like trialwatchd does, so the
// bench reads both the same way. No diff, so no events.
//   trialwatch-naive-sync --api-base URL --db PATH --config FILE
#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/log.hpp"
#include "daemon/cycle_client.hpp"
#include "fetch/curl_http_client.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "store/watch_list.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <cstdio>
#include <random>
#include <string>

using namespace trialwatch;

namespace {

// Every fetched document whose text differs from the previous one, whole and uncompressed.
class NaiveVersions {
 public:
  explicit NaiveVersions(const std::string& path) : m_db(path, SQLite::OPEN_READWRITE) {
    m_db.setBusyTimeout(5000);
    m_db.exec(
        "CREATE TABLE IF NOT EXISTS naive_versions (nct_id TEXT NOT NULL, number INTEGER NOT NULL, fetched_at TEXT "
        "NOT NULL, document BLOB NOT NULL, PRIMARY KEY (nct_id, number)) STRICT");
  }

  // Store `text` as the next document of `id` unless it equals the latest; return whether it was stored.
  bool store_if_changed(const core::NctId& id, const std::string& text, core::Clock::TimePoint at) {
    SQLite::Statement latest(m_db, "SELECT document FROM naive_versions WHERE nct_id = ? ORDER BY number DESC LIMIT 1");
    latest.bind(1, id.str());
    if (latest.executeStep() && std::string(static_cast<const char*>(latest.getColumn(0).getBlob()),
                                            static_cast<std::size_t>(latest.getColumn(0).getBytes())) == text)
      return false;
    SQLite::Statement insert(m_db,
                             "INSERT INTO naive_versions (nct_id, number, fetched_at, document) SELECT ?1, "
                             "coalesce(max(number), 0) + 1, ?2, ?3 FROM naive_versions WHERE nct_id = ?1");
    insert.bind(1, id.str());
    insert.bind(2, core::format_rfc3339(at));
    insert.bind(3, text.data(), static_cast<int>(text.size()));
    insert.exec();
    return true;
  }

 private:
  SQLite::Database m_db;
};

// Fetch every tracked study in full and store each changed document; fill the run's counters.
core::Result<core::Ok> check_all(fetch::RegistryClient& registry, const store::WatchList& watch_list,
                                 NaiveVersions& versions, const core::Clock& clock, store::RunRecord& record) {
  for (const auto& entry : watch_list.entries()) {
    ++record.checked;
    auto lookup = registry.study(entry.id);
    if (!lookup) return std::move(lookup).error();
    if (lookup->kind != fetch::StudyLookup::Kind::found) continue;
    ++record.fetched;
    if (versions.store_if_changed(entry.id, lookup->body, clock.now())) ++record.changed;
  }
  return core::Ok{};
}

std::string argument(int argc, char** argv, const std::string& name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  std::fprintf(stderr, "usage: trialwatch-naive-sync --api-base URL --db PATH --config FILE\n");
  std::exit(64);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string api_base = argument(argc, argv, "--api-base");
  const std::string db_path = argument(argc, argv, "--db");
  core::Config config = core::load_config_file(argument(argc, argv, "--config"));
  config.api.base_url = api_base;
  const fetch::CurlGlobal curl;
  const core::SystemClock clock;
  const core::Logger logger(core::LogLevel::warning);
  auto database = store::Database::open(db_path, store::OpenMode::read_write);
  store::WatchList watch_list(database);
  store::Runs runs(database);
  daemon::track_from_config(config.sync.track, watch_list, clock.now(), logger);
  NaiveVersions versions(db_path);
  fetch::CurlOptions options;
  options.user_agent = "trialwatch-naive-sync";
  fetch::CurlHttpClient http(options);
  std::mt19937_64 engine{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  daemon::CycleClient client(
      http, config, clock, [&] { return uniform(engine); }, nullptr);

  store::RunRecord record;
  const auto started = clock.now();
  record.id = runs.begin(started);
  record.started_at = core::format_rfc3339(started);
  auto result = check_all(client.registry(), watch_list, versions, clock, record);
  record.requests = client.registry().stats().requests;
  record.bytes = client.registry().stats().bytes;
  record.finished_at = core::format_rfc3339(clock.now());
  record.outcome = result ? store::RunOutcome::ok : store::RunOutcome::failed;
  if (!result) record.error = result.error().message;
  runs.finish(record);
  if (!result) {
    std::fprintf(stderr, "naive sync failed: %s\n", record.error.c_str());
    return 75;
  }
  return 0;
}
