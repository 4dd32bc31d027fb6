// SPDX-License-Identifier: MIT
// status and notify test.
#include "cli/commands.hpp"
#include "cli/health.hpp"
#include "cli/text.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/process.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "store/queries.hpp"
#include "store/registry_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace trialwatch::cli {

namespace {

std::string run_json(const std::optional<store::RunRecord>& run) {
  if (!run) return "null";
  return fmt::format(
      R"({{"started_at":{},"finished_at":{},"outcome":{},"data_timestamp":{},"requests":{},"bytes":{},"checked":{},)"
      R"("fetched":{},"changed":{},"events":{},"error":{}}})",
      core::json_quote(run->started_at), core::json_quote(run->finished_at),
      core::json_quote(store::run_outcome_name(run->outcome)), core::json_quote(run->data_timestamp), run->requests,
      run->bytes, run->checked, run->fetched, run->changed, run->events,
      run->error.empty() ? "null" : core::json_quote(run->error));
}

std::string optional_json(const std::optional<std::string>& text) { return text ? core::json_quote(*text) : "null"; }

std::string backfill_json(const store::BackfillProgress& p) {
  return fmt::format(R"({{"waiting":{},"known":{},"fetched":{},"failing":{},"last_error":{}}})", p.waiting, p.known,
                     p.fetched, p.failing, p.last_error.empty() ? "null" : core::json_quote(p.last_error));
}

std::string strings_json(const std::vector<std::string>& texts) {
  return "[" + core::join(texts, ",", [](const std::string& text) { return core::json_quote(text); }) + "]";
}

std::string searches_json(const std::vector<store::SearchStatus>& searches) {
  std::string out = "[";
  for (const auto& s : searches)
    out += fmt::format(R"({}{{"name":{},"completed_at":{},"window_date":{},"tracked":{},"error":{}}})",
                       out.size() > 1 ? "," : "", core::json_quote(s.name),
                       s.completed_at.empty() ? "null" : core::json_quote(s.completed_at),
                       s.window_date.empty() ? "null" : core::json_quote(s.window_date), s.tracked,
                       s.last_error.empty() ? "null" : core::json_quote(s.last_error));
  return out + "]";
}

}  // namespace

int status(const Context& context, Format format) {
  auto db = context.open_for_reading();
  const auto s = store::Queries(db).status();
  const auto verdict = judge_health(s, context.now());
  const auto backfill = store::RegistryHistory(db).progress();
  if (format != Format::human) {
    std::printf(R"({"database":%s,"health":"%s","health_sentence":%s,"data_timestamp":%s,"last_reconcile":%s,)"
                R"("next_check_at":%s,"check_interval_seconds":%s,"last_run":%s,"last_successful_run":%s,)"
                R"("tracked":%d,"studies_with_versions":%d,"not_found":%s,"versions":%lld,"events":%lld,)"
                R"("database_bytes":%lld,"notifications":{"pending":%lld,"delivered":%lld,"dead":%lld},)"
                R"("searches":%s,"backfill":%s})"
                "\n",
                core::json_quote(context.database_path().string()).c_str(), health_name(verdict.health).data(),
                verdict.sentence.empty() ? "null" : core::json_quote(verdict.sentence).c_str(),
                optional_json(s.completed_data_timestamp).c_str(), optional_json(s.last_reconcile).c_str(),
                optional_json(s.next_check_at).c_str(),
                s.check_interval ? std::to_string(*s.check_interval).c_str() : "null", run_json(s.last_run).c_str(),
                run_json(s.last_successful_run).c_str(), s.tracked, s.studies_with_versions,
                strings_json(s.not_found).c_str(), static_cast<long long>(s.versions), static_cast<long long>(s.events),
                static_cast<long long>(s.database_bytes), static_cast<long long>(s.notifications.pending),
                static_cast<long long>(s.notifications.delivered), static_cast<long long>(s.notifications.dead),
                searches_json(s.searches).c_str(), backfill_json(backfill).c_str());
    return exit_code_of(verdict.health);
  }
  const auto when = [&](const std::string& at) { return dated(at, context.now()); };
  std::vector<std::vector<std::string>> rows{
      {"database", context.database_path().string()},
      {"registry data synced", s.completed_data_timestamp.value_or("never")},
      {"tracked studies", fmt::format("{} ({} with a stored version)", s.tracked, s.studies_with_versions)}};
  for (const auto& id : s.not_found)
    rows.push_back({id, "not found — check the ID (the registry has never served it; trialwatch untrack " + id + ")"});
  rows.push_back(
      {"stored", fmt::format("{}, {}, {:.1f} MB", core::counted(s.versions, "version", "versions"),
                             core::counted(s.events, "event", "events"), static_cast<double>(s.database_bytes) / 1e6)});
  rows.push_back({"last full reconcile", s.last_reconcile ? when(*s.last_reconcile) : "never"});
  rows.push_back({"notifications", fmt::format("{} pending, {} delivered, {} dead{}", s.notifications.pending,
                                               s.notifications.delivered, s.notifications.dead,
                                               s.notifications.dead > 0 ? " (see journalctl -u trialwatchd)" : "")});
  for (const auto& search : s.searches)
    rows.push_back({fmt::format("search {}", search.name),
                    search.last_error.empty()
                        ? fmt::format("{} tracked, last run {}", core::counted(search.tracked, "study", "studies"),
                                      search.completed_at.empty() ? "never" : when(search.completed_at))
                        : fmt::format("{} (fix it in the configuration)", search.last_error)});
  if (backfill.waiting > 0 || backfill.known > 0)
    rows.push_back(
        {"backfill",
         fmt::format("{} waiting, {} of {} past versions fetched{}",
                     core::counted(backfill.waiting, "study", "studies"), backfill.fetched, backfill.known,
                     backfill.failing > 0 ? fmt::format("; {} failing: {}", backfill.failing, backfill.last_error)
                                          : std::string())});
  if (s.last_run) {
    const auto& run = *s.last_run;
    rows.push_back({"last sync", fmt::format("{} {}: {}, {} checked, {} fetched, {} changed, {}", when(run.started_at),
                                             store::run_outcome_name(run.outcome),
                                             core::counted(run.requests, "request", "requests"), run.checked,
                                             run.fetched, run.changed, core::counted(run.events, "event", "events"))});
    if (!run.error.empty()) rows.push_back({"last error", run.error});
  } else {
    rows.push_back({"last sync", "never"});
  }
  if (verdict.health == Health::late)
    rows.push_back({"next check", verdict.sentence});
  else if (s.next_check_at)
    rows.push_back({"next check", when(*s.next_check_at)});
  // A key and its value: errors and hints are never cut; a long one wraps as the terminal wraps it.
  write_out(table({}, rows, 0));
  return exit_code_of(verdict.health);
}

namespace {

// Find trialwatchd: $TRIALWATCHD, then beside this program (an installation), then ../daemon/ (a build tree).
std::optional<std::filesystem::path> daemon_program() {
  if (const char* explicit_path = std::getenv("TRIALWATCHD"); explicit_path != nullptr && *explicit_path != '\0')
    return std::filesystem::path(explicit_path);
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return std::nullopt;
  for (const auto& candidate :
       {self.parent_path() / "trialwatchd", self.parent_path() / ".." / "daemon" / "trialwatchd"})
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  return std::nullopt;
}

// Throw unless `config` (read from `path`) has a channel `name`: UsageError naming the channels it has, or
// core::ConfigError when it has none.
void require_channel(const core::Config& config, const std::string& name, const std::filesystem::path& path) {
  const auto& channels = config.notify;
  if (std::any_of(channels.begin(), channels.end(), [&](const auto& c) { return c.name == name; })) return;
  if (channels.empty())
    throw core::ConfigError(
        fmt::format("no [[notify]] channel in {}; add one there (see man trialwatch.toml)", path.string()));
  throw UsageError(fmt::format("no channel '{}' in {}; channels: {}", core::for_terminal(name), path.string(),
                               core::join(channels, ", ", [](const auto& c) { return core::for_terminal(c.name); })));
}

}  // namespace

int notify_test(const Context& context, const std::string& channel) {
  const auto path = context.config_path();
  if (!std::filesystem::exists(path))
    throw core::ConfigError(
        fmt::format("no configuration file at {}; create it with a [[notify]] channel (see man "
                    "trialwatch.toml), or name another with --config",
                    path.string()));
  require_channel(core::load_config_file(path), channel, path);
  std::printf("read %s\n", path.c_str());
  std::fflush(stdout);  // before trialwatchd writes to the same output
  // The channels (curl, credentials) belong to the daemon's program; the client asks it to send.
  const auto program = daemon_program();
  if (!program) throw std::runtime_error("cannot find trialwatchd beside trialwatch; set TRIALWATCHD to its path");
  const std::vector<std::string> args{
      program->string(), "--db", context.database_path().string(), "--config", path.string(), "--notify-test", channel};
  const auto pid = core::spawn(core::SpawnSpec{args, std::nullopt});
  if (!pid) throw std::runtime_error(pid.error().message);
  const auto ended = core::wait_for_exit(*pid);
  if (!ended) throw std::runtime_error(ended.error().message);
  return ended->signal != 0 ? 1 : ended->code;
}

}  // namespace trialwatch::cli
