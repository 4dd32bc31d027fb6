// SPDX-License-Identifier: MIT
// trialwatch: the command line client. It reads the database trialwatchd writes (read-only, safe while the daemon
// runs) and changes only the watch list. The command table is trialwatch(1)'s.

#include "cli/commands.hpp"
#include "core/exit_code.hpp"
#include "core/version.hpp"
#include "store/store_error.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace {

using trialwatch::core::ExitCode;
using trialwatch::core::to_int;
namespace cli = trialwatch::cli;

cli::Format format_of(bool json, bool jsonl) {
  return jsonl ? cli::Format::jsonl : json ? cli::Format::json : cli::Format::human;
}

int fail(ExitCode code, const std::string& sentence) {
  std::fprintf(stderr, "trialwatch: %s\n", sentence.c_str());
  return to_int(code);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trialwatch - query the local history of ClinicalTrials.gov records kept by trialwatchd"};
  app.set_version_flag("--version", std::string("trialwatch ") + trialwatch::core::k_version);
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the command
  app.footer(
      "Examples:\n  trialwatch track NCT06613490 --note 'CD19 CAR-NK'\n  trialwatch events --since 7d\n"
      "  trialwatch diff NCT06613490\n  trialwatch export --format csv > events.csv\n"
      "Exit codes: 0 ok, 1 failure, 64 usage, 65 bad database, 66 no database, 69 unavailable, 74 I/O.");
  cli::GlobalOptions global;
  app.add_option("--db", global.db, "database file (default: $TRIALWATCH_DB, then the daemon's default path)");
  app.add_option("--config", global.config, "configuration file (for notify test)");
  app.add_option("--color", global.color, "colour: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  std::vector<std::string> ids;
  std::string id;
  std::string note;
  bool json = false;
  bool jsonl = false;
  cli::EventFilter filter;
  int version = 0;
  bool raw = false;
  std::optional<int> from;
  std::optional<int> to;
  std::string export_format;
  std::string output;
  std::string channel;

  auto* track = app.add_subcommand("track", "add studies to the watch list (IDs are validated and normalised)");
  track->add_option("NCT", ids, "NCT IDs, e.g. NCT06613490 or nct6613490")->required();
  track->add_option("--note", note, "why you track them");
  auto* untrack = app.add_subcommand("untrack", "stop tracking studies (their history is kept)");
  untrack->add_option("NCT", ids, "NCT IDs")->required();
  auto* list = app.add_subcommand("list", "tracked studies: status, last update, why tracked, versions, last event");
  list->add_flag("--json", json, "one JSON document");
  auto* status = app.add_subcommand("status", "health: registry data synced, the last sync and its outcome, counts");
  status->add_flag("--json", json, "one JSON document");
  auto* events = app.add_subcommand("events", "change events, newest first");
  events->add_option("--since", filter.since, "a duration (7d, 12h), a date (2026-09-01) or an RFC 3339 time");
  events->add_option("--type", filter.types, "event types, comma-separated (e.g. results_posted,status_changed)")
      ->delimiter(',');
  events->add_option("--nct", filter.nct, "one study");
  events->add_option("--limit", filter.limit, "at most N events")->check(CLI::PositiveNumber);
  auto* events_json = events->add_flag("--json", json, "one JSON array of event objects");
  events->add_flag("--jsonl", jsonl, "one event object per line")->excludes(events_json);
  auto* history = app.add_subcommand("history", "one study's versions and events over time");
  history->add_option("NCT", id, "NCT ID")->required();
  history->add_flag("--json", json, "one JSON document");
  auto* show = app.add_subcommand("show", "a stored snapshot: its summary, or the exact JSON received");
  show->add_option("NCT", id, "NCT ID")->required();
  show->add_option("--version", version, "version number (default: the latest)")->check(CLI::PositiveNumber);
  show->add_flag("--raw", raw, "the exact JSON received from the registry");
  auto* diff =
      app.add_subcommand("diff", "field-level differences between two stored versions (default: the last two)");
  diff->add_option("NCT", id, "NCT ID")->required();
  diff->add_option("--from", from, "older version")->check(CLI::PositiveNumber);
  diff->add_option("--to", to, "newer version")->check(CLI::PositiveNumber);
  diff->add_flag("--json", json, "one JSON document");
  auto* related = app.add_subcommand("related", "related-trial suggestions with their reasons");
  related->add_option("NCT", id, "only suggestions for this study");
  related->add_flag("--json", json, "one JSON document");
  auto* exporter = app.add_subcommand("export", "every event, oldest first, for other tools");
  exporter->add_option("--format", export_format, "jsonl or csv")->required()->check(CLI::IsMember({"jsonl", "csv"}));
  exporter->add_option("--since", filter.since, "a duration, a date or an RFC 3339 time");
  auto* feed = app.add_subcommand("feed", "an Atom feed of the latest 500 events");
  feed->add_option("--output", output, "write the feed to FILE (replaced atomically) instead of stdout");
  auto* notify = app.add_subcommand("notify", "notification channels");
  auto* notify_test = notify->add_subcommand("test", "send a test notification through one channel");
  notify_test->add_option("NAME", channel, "the channel's name in the configuration")->required();
  notify->require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::usage);
  }
  try {
    const cli::Context context(global);
    const auto format = format_of(json, jsonl);
    if (*track) return cli::track(context, ids, note);
    if (*untrack) return cli::untrack(context, ids);
    if (*list) return cli::list(context, format);
    if (*status) return cli::status(context, format);
    if (*events) return cli::events(context, filter, format);
    if (*history) return cli::history(context, id, format);
    if (*show) return cli::show(context, id, version, raw);
    if (*diff) return cli::diff(context, id, from, to, format);
    if (*related) return cli::related(context, id, format);
    if (*exporter) return cli::export_events(context, export_format, filter.since);
    if (*feed) return cli::feed(context, output);
    if (*notify_test) return cli::notify_test(context, channel, global.config);
    return fail(ExitCode::usage, "no command given; see trialwatch --help");
  } catch (const cli::UsageError& e) {
    return fail(ExitCode::usage, e.what());
  } catch (const trialwatch::store::StoreError& e) {
    return fail(e.exit_code(), e.what());
  } catch (const std::exception& e) {
    return fail(ExitCode::failure, e.what());
  }
}
