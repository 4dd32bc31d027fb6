// SPDX-License-Identifier: MIT
// trialwatch: the command line client. It reads the database trialwatchd writes (read-only, safe while the daemon
// runs) and changes only the watch list. The command table is trialwatch(1)'s.

#include "cli/commands.hpp"
#include "cli/serve.hpp"
#include "cli/text.hpp"
#include "core/exit_code.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "core/version.hpp"
#include "store/store_error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace {

using trialwatch::core::ExitCode;
using trialwatch::core::to_int;
namespace cli = trialwatch::cli;

cli::Format format_of(bool json, bool jsonl) {
  return jsonl ? cli::Format::jsonl : json ? cli::Format::json : cli::Format::human;
}

// The version `text` names (checked by version_name when parsed), or nothing when the option was not given.
std::optional<cli::VersionName> named(const std::optional<std::string>& text) {
  return text ? cli::parse_version_name(*text) : std::nullopt;
}

int fail(ExitCode code, const std::string& sentence) {
  std::fprintf(stderr, "trialwatch: %s\n", sentence.c_str());
  return to_int(code);
}

// A check that option `name` holds a whole number of 1 or more, saying so in a sentence when it does not.
CLI::Validator positive(const std::string& name) {
  return CLI::Validator(
      [name](std::string& value) -> std::string {
        int number = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error == std::errc() && end == value.data() + value.size() && number >= 1) return {};
        return fmt::format("{} {}: give a whole number of 1 or more", name, value);
      },
      "N>=1");
}

// A check that option `name` names a version: N (1 or more, seen live) or rN (0 or more, the registry's past).
CLI::Validator version_name(const std::string& name) {
  return CLI::Validator(
      [name](std::string& value) -> std::string {
        if (cli::parse_version_name(value)) return {};
        return fmt::format("{} {}: give a version seen live (1, 2, ...) or the registry's past version r0, r1, ...",
                           name, value);
      },
      "N|rN");
}

// A check that option `name` holds one of `choices`, naming them when it does not.
CLI::Validator one_of(const std::string& name, const std::vector<std::string>& choices) {
  return CLI::Validator(
      [name, choices](std::string& value) -> std::string {
        if (std::find(choices.begin(), choices.end(), value) != choices.end()) return {};
        const std::vector<std::string> all_but_last(choices.begin(), choices.end() - 1);
        return fmt::format("{} {}: give {} or {}", name, value, trialwatch::core::join(all_but_last, ", "),
                           choices.back());
      },
      "{" + trialwatch::core::join(choices, ",") + "}");
}

// Set the examples `command --help` ends with.
void examples(CLI::App* command, std::initializer_list<std::string_view> lines) {
  std::string footer = "Examples:";
  for (const auto line : lines) footer.append("\n  trialwatch ").append(line);
  command->footer(footer);
}

// Throw UsageError for a command name that is none, with the nearest if one is close (CLI11 would only say that
// a subcommand is required).
void check_command_names(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db" || arg == "--config" || arg == "--color") ++i;  // and their value
    if (arg.starts_with('-')) continue;
    const auto commands = at->get_subcommands([](CLI::App*) { return true; });
    if (commands.empty()) return;  // the rest are the command's arguments
    std::vector<std::string> names;
    for (auto* command : commands) names.push_back(command->get_name());
    if (std::find(names.begin(), names.end(), arg) == names.end()) {
      const auto suggestion = cli::nearest(arg, names);
      const std::string what = at == &app ? "command" : at->get_name() + " command";
      throw cli::UsageError(trialwatch::core::for_terminal(
          suggestion
              ? fmt::format("unknown {} '{}'; did you mean '{}'?", what, arg, *suggestion)
              : fmt::format("unknown {} '{}'; the commands are {}", what, arg, trialwatch::core::join(names, ", "))));
    }
    at = at->get_subcommand(std::string(arg));
  }
}

// Return a CLI11 parse error as one sentence that says what to do, e.g. "events does not take --bogus; see
// trialwatch events --help".
std::string usage_sentence(const CLI::ParseError& error, const CLI::App& app) {
  std::string command = "trialwatch";
  std::string name = command;
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().back();
    name = at->get_name();
    command += " " + name;
  }
  std::string what = error.what();
  const std::size_t colon = what.find(": ");
  const std::string after_colon = colon == std::string::npos ? what : what.substr(colon + 2);
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    what = fmt::format("{} does not take {}", name, after_colon);
  } else if (!at->remaining().empty()) {  // an unknown flag before the command: CLI11 says one is missing
    what = fmt::format("{} does not take {}", name, trialwatch::core::join(at->remaining(), " "));
  } else if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    what = after_colon;  // our checks' sentences, after CLI11's "--name: "
  } else if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && what.ends_with(" is required")) {
    const std::string missing = what.substr(0, what.size() - std::string_view(" is required").size());
    what = fmt::format("{} needs {}", name, missing == "A subcommand" ? "a command" : missing);
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && what.ends_with(" missing")) {
    what = fmt::format("{} needs a value", what.substr(0, colon));
  } else if (const std::size_t excludes = what.find(" excludes "); excludes != std::string::npos) {
    what = fmt::format("give {} or {}, not both", what.substr(0, excludes), what.substr(excludes + 10));
  } else if (!what.empty()) {
    what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  }
  return trialwatch::core::for_terminal(fmt::format("{}; see {} --help", what, command));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trialwatch - query the local history of ClinicalTrials.gov records kept by trialwatchd", "trialwatch"};
  app.set_version_flag("--version", std::string("trialwatch ") + trialwatch::core::k_version);
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the command
  app.footer(
      "Examples:\n  trialwatch track NCT06613490 --note 'CD19 CAR-NK'\n  trialwatch events --since 7d\n"
      "  trialwatch diff NCT06613490\n  trialwatch export --format csv > events.csv\n"
      "Each command's --help shows its options and examples.\n"
      "Exit codes: 0 ok, 1 failure, 64 usage, 65 bad database, 66 no database, 69 unavailable, 74 I/O, 78 "
      "configuration.");
  cli::GlobalOptions global;
  app.add_option("--db", global.db, "database file (default: $TRIALWATCH_DB, then the daemon's default path)");
  app.add_option("--config", global.config,
                 "trialwatchd's configuration file, read by notify test, untrack, due and list (default: "
                 "$TRIALWATCH_CONFIG, then the XDG or /etc path)");
  app.add_option("--color", global.color, "colour: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(one_of("--color", {"auto", "always", "never"}));
  app.add_flag("--wide", global.wide, "tables uncut (default: cut to $COLUMNS or the terminal; piped, uncut)");

  std::vector<std::string> ids;
  std::string id;
  std::string note;
  bool json = false;
  bool jsonl = false;
  cli::EventFilter filter;
  std::optional<std::string> version;
  bool raw = false;
  std::optional<std::string> from;
  std::optional<std::string> to;
  bool full = false;
  bool status_only = false;
  std::string export_format;
  std::string output;
  std::string channel;
  bool overdue_only = false;
  std::string listen;
  std::string target;

  auto* track = app.add_subcommand("track", "add studies to the watch list (IDs are validated and normalised)");
  track->add_option("NCT", ids, "NCT IDs, e.g. NCT06613490 or nct06613490")->required();
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
  events->add_option("--limit", filter.limit, "at most N events")->check(positive("--limit"));
  auto* events_json = events->add_flag("--json", json, "one JSON array of event objects");
  events->add_flag("--jsonl", jsonl, "one event object per line")->excludes(events_json);
  auto* history = app.add_subcommand("history", "one study's versions and events over time");
  history->add_option("NCT", id, "NCT ID")->required();
  history->add_flag("--json", json, "one JSON document");
  auto* show = app.add_subcommand("show", "a stored snapshot: its summary, or the exact JSON received");
  show->add_option("NCT", id, "NCT ID")->required();
  show->add_option("--version", version, "N (seen live) or rN (the registry's past version N); default: the latest")
      ->check(version_name("--version"));
  show->add_flag("--raw", raw, "the exact JSON received from the registry");
  auto* diff =
      app.add_subcommand("diff", "field-level differences between two stored versions (default: the last two)");
  diff->add_option("NCT", id, "NCT ID")->required();
  diff->add_option("--from", from, "older version: N or rN")->check(version_name("--from"));
  diff->add_option("--to", to, "newer version: N or rN")->check(version_name("--to"));
  diff->add_flag("--json", json, "one JSON document");
  auto* backfill = app.add_subcommand(
      "backfill", "queue tracked studies for trialwatchd to (re)load the registry's past versions at its next cycle");
  backfill->add_option("NCT", ids, "NCT IDs of tracked studies")->required();
  auto* backfill_full = backfill->add_flag("--full", full, "the list and every past version (the default)");
  backfill->add_flag("--status", status_only, "the list alone: the status timeline, one request")
      ->excludes(backfill_full);
  auto* related = app.add_subcommand("related", "related-trial suggestions with their reasons");
  related->add_option("NCT", id, "only suggestions for this study");
  related->add_flag("--json", json, "one JSON document");
  auto* exporter = app.add_subcommand("export", "every event, oldest first, for other tools");
  exporter->add_option("--format", export_format, "jsonl or csv")
      ->required()
      ->check(one_of("--format", {"jsonl", "csv"}));
  exporter->add_option("--since", filter.since, "a duration, a date or an RFC 3339 time");
  auto* feed = app.add_subcommand("feed", "an Atom feed of the latest 500 events");
  feed->add_option("--output", output, "write the feed to FILE (replaced atomically) instead of stdout");
  auto* notify = app.add_subcommand("notify", "notification channels");
  auto* notify_test = notify->add_subcommand("test", "send a test notification through one channel");
  notify_test->add_option("NAME", channel, "the channel's name in the configuration")->required();
  notify->require_subcommand(1);
  auto* due = app.add_subcommand(
      "due", "tracked studies' results: not_due, due_soon, overdue, submitted or posted, with the due date and rule");
  due->add_flag("--overdue", overdue_only, "only the studies whose results are overdue");
  due->add_flag("--json", json, "one JSON array of study objects");
  auto* serve = app.add_subcommand(
      "serve", "the read-only web interface: studies, timelines, events, the feed and JSON, until Ctrl-C");
  serve->add_option("--listen", listen,
                    "HOST:PORT or [IPv6]:PORT (default: [web] listen, then 127.0.0.1:8470; port 0: any free port); "
                    "beyond loopback only with the access token credential");
  auto* migrate = app.add_subcommand(
      "migrate", "copy the whole history into another, empty database (e.g. SQLite to PostgreSQL), verified");
  migrate->add_option("--to", target, "the new database: a file or a postgresql:// URI")->required();

  examples(track, {"track NCT06613490 --note 'CD19 CAR-NK'", "track NCT06613490 NCT04280705"});
  examples(untrack, {"untrack NCT06613490"});
  examples(list, {"list", "list --json"});
  examples(status, {"status", "status --json"});
  examples(events, {"events --since 7d", "events --type results_posted,status_changed --nct NCT06613490"});
  examples(history, {"history NCT06613490"});
  examples(show, {"show NCT06613490", "show NCT06613490 --version 1 --raw", "show NCT04280705 --version r0"});
  examples(diff, {"diff NCT06613490", "diff NCT06613490 --from 1 --to 3", "diff NCT04280705 --from r0 --to 1"});
  examples(backfill, {"backfill NCT04280705", "backfill NCT04280705 NCT06613490 --status"});
  examples(related, {"related", "related NCT06613490 --json"});
  examples(exporter, {"export --format csv > events.csv", "export --format jsonl --since 30d"});
  examples(feed, {"feed --output ~/public_html/trials.atom"});
  examples(notify, {"notify test phone"});
  examples(notify_test, {"notify test phone", "--config ~/trialwatch.toml notify test phone"});
  examples(due, {"due", "due --overdue", "due --json", "--config ~/trialwatch.toml due"});
  examples(migrate,
           {"--db /var/lib/trialwatch/trialwatch.db migrate --to postgresql://trialwatch@db.example/trialwatch"});
  examples(serve, {"serve", "serve --listen 127.0.0.1:8080", "serve --listen 0.0.0.0:8470  # needs a token"});
  try {
    check_command_names(app, argc, argv);
    app.parse(argc, argv);
  } catch (const cli::UsageError& e) {
    return fail(ExitCode::usage, e.what());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(ExitCode::usage, usage_sentence(e, app));
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
    if (*show) return cli::show(context, id, named(version), raw);
    if (*diff) return cli::diff(context, id, named(from), named(to), format);
    if (*backfill) return cli::backfill(context, ids, !status_only);
    if (*related) return cli::related(context, id, format);
    if (*exporter) return cli::export_events(context, export_format, filter.since);
    if (*feed) return cli::feed(context, output);
    if (*notify_test) return cli::notify_test(context, channel);
    if (*due) return cli::due(context, overdue_only, format);
    if (*serve) return cli::serve(context, listen);
    if (*migrate) return cli::migrate(context, target);
    return fail(ExitCode::usage, "no command given; see trialwatch --help");
  } catch (const cli::UsageError& e) {
    return fail(ExitCode::usage, e.what());
  } catch (const trialwatch::store::StoreError& e) {
    return fail(e.exit_code(), e.what());
  } catch (const trialwatch::core::ConfigError& e) {
    return fail(ExitCode::config, e.what());
  } catch (const std::exception& e) {
    return fail(ExitCode::failure, e.what());
  }
}
