// SPDX-License-Identifier: MIT
// The commands of `trialwatch` (trialwatch(1)). Each writes to stdout and returns the exit code; errors are thrown
// (UsageError, store::StoreError) and turned into one sentence on stderr by main.
#pragma once

#include "cli/context.hpp"
#include "core/nct_id.hpp"
#include "diff/results_due.hpp"

#include "report/events.hpp"
#include "report/version_diff.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::cli {

// How a command prints: for people, one JSON document, or one JSON object per line.
enum class Format { human, json, jsonl };

// Filters shared by `events` and `export`.
using EventFilter = report::EventFilter;

// `track NCT... [--note TEXT]`: add studies to the watch list.
int track(const Context& context, const std::vector<std::string>& ids, const std::string& note);
// `untrack NCT...`: stop tracking, keeping the history.
int untrack(const Context& context, const std::vector<std::string>& ids);
// `list [--json]`: the tracked studies.
int list(const Context& context, Format format);
// `status [--json]`: the daemon's last sync and the store's counts.
int status(const Context& context, Format format);
// `events [filters] [--json|--jsonl]`: change events, newest first.
int events(const Context& context, const EventFilter& filter, Format format);
// `history NCT [--json]`: one study's versions and events.
int history(const Context& context, const std::string& id, Format format);
// A version named on the command line: N, seen live, or rN, the registry's past version N.
using VersionName = report::VersionName;
using report::parse_version_name;

// `show NCT [--version N|rN] [--raw]`: a stored snapshot, live or past (none: the latest).
int show(const Context& context, const std::string& id, std::optional<VersionName> version, bool raw);
// `diff NCT [--from N|rN] [--to M|rM] [--json]`: field-level differences between two stored versions.
int diff(const Context& context, const std::string& id, std::optional<VersionName> from, std::optional<VersionName> to,
         Format format);
// `backfill NCT... [--full|--status]`: queue tracked studies for trialwatchd to (re)load their past versions.
int backfill(const Context& context, const std::vector<std::string>& ids, bool full);
// `related [NCT] [--json]`: related-trial suggestions.
int related(const Context& context, const std::string& id, Format format);
// `export --format jsonl|csv [--since ...]`: every event, for other tools.
int export_events(const Context& context, const std::string& format, const std::string& since);
// `feed [--output FILE]`: an Atom feed of the events.
int feed(const Context& context, const std::string& output);
// `notify test NAME`: a test notification through one channel of the configuration (Context::config_path()).
int notify_test(const Context& context, const std::string& channel);
// `due [--overdue] [--json]`: each tracked study's results state by the results due rule, most overdue first.
int due(const Context& context, bool overdue_only, Format format);
// `migrate --to DB`: copy the whole history into `target`, a new database (SQLite or PostgreSQL), verified.
int migrate(const Context& context, const std::string& target);

// Return [results] due_after of the configuration (Context::read_config()); 12 months when there is no file. Throw
// core::ConfigError when the file cannot be read or is invalid.
diff::DueAfter due_after(const Context& context);
// The same for commands that only show due dates: a configuration that cannot be read is said on stderr, and the
// default (12 months) applies.
diff::DueAfter due_after_or_default(const Context& context);
// Return the RESULTS cell of `list`: "posted", "submitted", "overdue 43d", "due 2027-10-20", "due ~2027-10-20" (an
// expected date) or "-" (no date, nothing owed).
std::string results_cell(const diff::ResultsDue& due);
// Return `text` as a canonical NCT ID, or throw UsageError with a sentence saying what is wrong.
using report::parse_id;
// Return each of `texts` as a canonical NCT ID (all checked before any is used), or throw UsageError.
std::vector<core::NctId> parse_ids(const std::vector<std::string>& texts);
}  // namespace trialwatch::cli
