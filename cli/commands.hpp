// SPDX-License-Identifier: MIT
// The commands of `trialwatch` (trialwatch(1)). Each writes to stdout and returns the exit code; errors are thrown
// (UsageError, store::StoreError) and turned into one sentence on stderr by main.
#pragma once

#include "cli/context.hpp"
#include "core/nct_id.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trialwatch::cli {

// How a command prints: for people, one JSON document, or one JSON object per line.
enum class Format { human, json, jsonl };

// Filters shared by `events` and `export`.
struct EventFilter {
  std::string since;               // "7d", a date or an RFC 3339 time; empty = all
  std::vector<std::string> types;  // event type names
  std::string nct;                 // one study
  int limit = -1;
};

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
// `show NCT [--version N] [--raw]`: a stored snapshot.
int show(const Context& context, const std::string& id, int version, bool raw);
// `diff NCT [--from N] [--to M] [--json]`: field-level differences between two stored versions.
int diff(const Context& context, const std::string& id, std::optional<int> from, std::optional<int> to, Format format);
// `related [NCT] [--json]`: related-trial suggestions.
int related(const Context& context, const std::string& id, Format format);
// `export --format jsonl|csv [--since ...]`: every event, for other tools.
int export_events(const Context& context, const std::string& format, const std::string& since);
// `feed [--output FILE]`: an Atom feed of the events.
int feed(const Context& context, const std::string& output);
// `notify test NAME`: a test notification through one channel of the configuration (Context::config_path()).
int notify_test(const Context& context, const std::string& channel);

// Return `text` as a canonical NCT ID, or throw UsageError with a sentence saying what is wrong.
core::NctId parse_id(const std::string& text);
}  // namespace trialwatch::cli
