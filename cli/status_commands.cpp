// SPDX-License-Identifier: MIT
// status and notify test.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/process.hpp"
#include "store/queries.hpp"

#include <fmt/format.h>

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
      core::json_quote(run->started_at), core::json_quote(run->finished_at), core::json_quote(run->outcome),
      core::json_quote(run->data_timestamp), run->requests, run->bytes, run->checked, run->fetched, run->changed,
      run->events, run->error.empty() ? "null" : core::json_quote(run->error));
}

std::string optional_json(const std::optional<std::string>& text) { return text ? core::json_quote(*text) : "null"; }

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
  if (format != Format::human) {
    std::printf(R"({"database":%s,"data_timestamp":%s,"last_reconcile":%s,"last_run":%s,"last_successful_run":%s,)"
                R"("tracked":%d,"studies_with_versions":%d,"versions":%lld,"events":%lld,"database_bytes":%lld,)"
                R"("notifications":{"pending":%lld,"delivered":%lld,"dead":%lld},"searches":%s})"
                "\n",
                core::json_quote(context.database_path().string()).c_str(),
                optional_json(s.completed_data_timestamp).c_str(), optional_json(s.last_reconcile).c_str(),
                run_json(s.last_run).c_str(), run_json(s.last_successful_run).c_str(), s.tracked,
                s.studies_with_versions, static_cast<long long>(s.versions), static_cast<long long>(s.events),
                static_cast<long long>(s.database_bytes), static_cast<long long>(s.notifications.pending),
                static_cast<long long>(s.notifications.delivered), static_cast<long long>(s.notifications.dead),
                searches_json(s.searches).c_str());
    return 0;
  }
  const auto when = [&](const std::string& at) { return dated(at, context.now()); };
  std::vector<std::vector<std::string>> rows{
      {"database", context.database_path().string()},
      {"registry data synced", s.completed_data_timestamp.value_or("never")},
      {"tracked studies", fmt::format("{} ({} with a stored version)", s.tracked, s.studies_with_versions)},
      {"stored", fmt::format("{} versions, {} events, {:.1f} MB", s.versions, s.events,
                             static_cast<double>(s.database_bytes) / 1e6)},
      {"last full reconcile", s.last_reconcile ? when(*s.last_reconcile) : "never"},
      {"notifications",
       fmt::format("{} pending, {} delivered, {} dead{}", s.notifications.pending, s.notifications.delivered,
                   s.notifications.dead, s.notifications.dead > 0 ? " (see journalctl -u trialwatchd)" : "")}};
  for (const auto& search : s.searches)
    rows.push_back({fmt::format("search {}", search.name),
                    search.last_error.empty()
                        ? fmt::format("{} studies tracked, last run {}", search.tracked,
                                      search.completed_at.empty() ? "never" : when(search.completed_at))
                        : fmt::format("{} (fix it in the configuration)", search.last_error)});
  if (s.last_run) {
    const auto& run = *s.last_run;
    rows.push_back({"last sync", fmt::format("{} {}: {} requests, {} checked, {} fetched, {} changed, {} events",
                                             when(run.started_at), run.outcome, run.requests, run.checked, run.fetched,
                                             run.changed, run.events)});
    if (!run.error.empty()) rows.push_back({"last error", run.error});
  } else {
    rows.push_back({"last sync", "never (is trialwatchd running? systemctl status trialwatchd)"});
  }
  write_out(table({}, rows, context.width()));
  return 0;
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

}  // namespace

int notify_test(const Context& context, const std::string& channel, const std::string& config) {
  // The channels (curl, credentials) belong to the daemon's program; the client asks it to send.
  const auto program = daemon_program();
  if (!program) throw std::runtime_error("cannot find trialwatchd beside trialwatch; set TRIALWATCHD to its path");
  std::vector<std::string> args{program->string(), "--db", context.database_path().string(), "--notify-test", channel};
  if (!config.empty()) args.insert(args.end(), {"--config", config});
  const auto pid = core::spawn(core::SpawnSpec{args, std::nullopt});
  if (!pid) throw std::runtime_error(pid.error().message);
  const auto ended = core::wait_for_exit(*pid);
  if (!ended) throw std::runtime_error(ended.error().message);
  return ended->signal != 0 ? 1 : ended->code;
}

}  // namespace trialwatch::cli
