// SPDX-License-Identifier: MIT
// status and notify test.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/process.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "store/queries.hpp"
#include "store/registry_history.hpp"

#include "report/status.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace trialwatch::cli {

int status(const Context& context, Format format) {
  auto db = context.open_for_reading();
  const auto found = report::status_report(db, context.now());
  const auto& s = found.store;
  const auto& verdict = found.verdict;
  const auto& backfill = found.backfill;
  if (format != Format::human) {
    write_out(report::status_json(found, db.name()));
    return report::exit_code_of(verdict.health);
  }
  const auto when = [&](const std::string& at) { return dated(at, context.now()); };
  std::vector<std::vector<std::string>> rows{
      {"database", db.name()},
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
  if (verdict.health == report::Health::late)
    rows.push_back({"next check", verdict.sentence});
  else if (s.next_check_at)
    rows.push_back({"next check", when(*s.next_check_at)});
  // A key and its value: errors and hints are never cut; a long one wraps as the terminal wraps it.
  write_out(table({}, rows, 0));
  return report::exit_code_of(verdict.health);
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
