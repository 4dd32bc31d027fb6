// SPDX-License-Identifier: MIT
// history, show and diff: one study over time.
#include "cli/commands.hpp"
#include "cli/line_diff.hpp"
#include "cli/text.hpp"
#include "cli/text_table.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/safe_text.hpp"
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"
#include "store/event_json.hpp"
#include "store/queries.hpp"
#include "store/versions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace trialwatch::cli {

namespace {

std::vector<store::VersionInfo> versions_or_fail(const store::Queries& queries, const core::NctId& id) {
  auto versions = queries.versions(id);
  if (versions.empty())
    throw UsageError(
        fmt::format("no version of {} is stored; track it (trialwatch track {}) and let trialwatchd "
                    "sync",
                    id.str(), id.str()));
  return versions;
}

// "only version 1" or "versions 1 to 5": the versions a study has.
std::string version_range(int last) { return last == 1 ? "only version 1" : fmt::format("versions 1 to {}", last); }

// A stored JSON value as people read it, cut to `width` columns and safe for a terminal.
std::string shown(const std::string& json, std::size_t width) {
  return core::for_terminal(truncate_to(plain_value(json), width));
}

// The lines of a stored JSON string, each safe for a terminal (a trailing CR of a CRLF line ending dropped).
std::vector<std::string> terminal_lines(const std::string& json) {
  auto lines = split_lines(plain_value(json));
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    line = core::for_terminal(line);
  }
  return lines;
}

// A long text (several lines or over 120 characters) is shown as a line diff rather than two walls of text.
bool is_long_text(const std::string& json) { return json.size() > 120 || json.find("\\n") != std::string::npos; }

void print_change(const Context& context, const core::FieldChange& change) {
  const std::string op(core::field_op_name(change.op));
  if (change.op == core::FieldChange::Op::replace && (is_long_text(change.old_json) || is_long_text(change.new_json)) &&
      change.old_json.front() == '"' && change.new_json.front() == '"') {
    fmt::print("{}  {}\n", context.paint("~", Colour::label), core::for_terminal(change.path));
    const auto text_diff = line_diff(terminal_lines(change.old_json), terminal_lines(change.new_json));
    if (text_diff.mode == LineDiffMode::whole)
      fmt::print("    {}\n", context.paint(k_line_diff_whole_note, Colour::dim));
    for (const auto& line : text_diff.lines) {
      if (line.rfind("  ", 0) == 0) continue;  // only what changed; unchanged lines add nothing
      fmt::print("    {}\n", context.paint(line, line[0] == '+' ? Colour::added : Colour::removed));
    }
    return;
  }
  if (change.op == core::FieldChange::Op::add)
    fmt::print("{}  {}  {}\n", context.paint("+", Colour::added), core::for_terminal(change.path),
               shown(change.new_json, 200));
  else if (change.op == core::FieldChange::Op::remove)
    fmt::print("{}  {}  {}\n", context.paint("-", Colour::removed), core::for_terminal(change.path),
               shown(change.old_json, 200));
  else
    fmt::print("{}  {}  {} → {}\n", context.paint("~", Colour::label), core::for_terminal(change.path),
               shown(change.old_json, 100), shown(change.new_json, 100));
  (void)op;
}

}  // namespace

int history(const Context& context, const std::string& text, Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  const auto versions = versions_or_fail(queries, id);
  store::EventQuery query;
  query.nct_id = id;
  auto events = queries.events(query);
  std::reverse(events.begin(), events.end());  // oldest first, like the versions
  if (format != Format::human) {
    std::string out = "{\"nct_id\":" + core::json_quote(id.str()) + ",\"versions\":[";
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const auto& v = versions[i];
      out += fmt::format(R"({}{{"version":{},"fetched_at":{},"data_timestamp":{},"last_update_posted":{},)"
                         R"("raw_size":{},"changes":{}}})",
                         i ? "," : "", v.version, core::json_quote(v.fetched_at), core::json_quote(v.data_timestamp),
                         core::json_quote(v.last_update_post_date), v.raw_size, v.changes);
    }
    out += "],\"events\":[";
    for (std::size_t i = 0; i < events.size(); ++i) out.append(i ? "," : "").append(store::event_json(events[i]));
    write_out(out + "]}\n");
    return 0;
  }
  fmt::print("{}: {}, {}\n{}\n\n", context.paint(id.str(), Colour::id), counted(versions.size(), "version", "versions"),
             counted(events.size(), "event", "events"), study_link(id.str()));
  TextTable table;  // DATE: a version's last update posted, or the day an event of no version was detected
  for (const auto* title : {"VERSION", "DATE", "CHANGES", "EVENT", "WHAT CHANGED"}) table.add_cell(title);
  const auto add_row = [&](const std::vector<std::string>& cells, const store::StoredEvent* event) {
    table.start_row();
    for (const auto& cell : cells) table.add_cell(cell);
    if (event == nullptr) return;
    table.add_cell(core::event_type_name(event->type));
    table.add_cell(event->summary);
  };
  for (const auto& v : versions) {
    std::vector<std::string> cells{std::to_string(v.version), v.last_update_post_date, std::to_string(v.changes)};
    bool any = false;
    for (const auto& e : events)
      if (e.version == v.version) {
        add_row(cells, &e);
        cells.assign(cells.size(), "");  // the version's cells on its first row only
        any = true;
      }
    if (!any) add_row(cells, nullptr);
  }
  for (const auto& e : events)  // events about the study itself, with no version of their own
    if (!e.version) add_row({"", e.detected_at.substr(0, 10), ""}, &e);
  table.render(context.width(), 4, write_out);
  return 0;
}

int show(const Context& context, const std::string& text, int version, bool raw) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const auto versions = versions_or_fail(store::Queries(db), id);
  const int wanted = version == 0 ? versions.back().version : version;
  const auto document = store::Versions(db).document(id, wanted);
  if (!document)
    throw UsageError(
        fmt::format("{} has no version {}; it has {}", id.str(), wanted, version_range(versions.back().version)));
  if (raw) {
    write_out(*document);  // JSON text: its strings' control characters are escapes, never raw
    write_out("\n");
    return 0;
  }
  const auto facts = diff::read_study_facts(*document);
  if (!facts) throw std::runtime_error(facts.error().message);
  const auto& v = versions[static_cast<std::size_t>(wanted - 1)];
  std::printf("%s  version %d of %zu, fetched %s\n", context.paint(id.str(), Colour::id).c_str(), wanted,
              versions.size(), dated(v.fetched_at, context.now()).c_str());
  fmt::print("{}\n\n", core::for_terminal(facts->brief_title));
  const std::vector<std::vector<std::string>> rows{
      {"status", facts->overall_status},
      {"last update posted", facts->last_update_post_date},
      {"start", facts->start.date + (facts->start.type.empty() ? "" : " (" + facts->start.type + ")")},
      {"primary completion",
       facts->primary_completion.date +
           (facts->primary_completion.type.empty() ? "" : " (" + facts->primary_completion.type + ")")},
      {"completion",
       facts->completion.date + (facts->completion.type.empty() ? "" : " (" + facts->completion.type + ")")},
      {"enrollment",
       facts->enrollment_count ? fmt::format("{} ({})", *facts->enrollment_count, facts->enrollment_type) : ""},
      {"results submitted", facts->results_first_submit_date},
      {"results posted", facts->results_first_post_date},
      {"link", study_link(id.str())}};
  write_out(table({}, rows, context.width()));
  return 0;
}

int diff(const Context& context, const std::string& text, std::optional<int> from, std::optional<int> to,
         Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  const auto versions = versions_or_fail(queries, id);
  const int last = versions.back().version;
  const int newer = to.value_or(last);
  const int older = from.value_or(newer - 1);
  if (last == 1)
    throw UsageError(
        fmt::format("{} has only version 1 so far; trialwatchd stores another when the record changes", id.str()));
  if (older < 1 || newer > last || older >= newer)
    throw UsageError(fmt::format("{} has {}; --from must be lower than --to", id.str(), version_range(last)));
  std::vector<core::FieldChange> changes;
  if (newer == older + 1) {
    changes = queries.changes(id, newer);  // exactly what was recorded when the version was stored
  } else {
    const store::Versions stored(db);
    const auto before = stored.document(id, older);
    const auto after = stored.document(id, newer);
    diff::StudyDiffer differ;
    auto computed = differ.diff(*before, *after);
    if (!computed) throw std::runtime_error(computed.error().message);
    changes = std::move(*computed);
  }
  if (format != Format::human) {
    std::string out =
        fmt::format(R"({{"nct_id":{},"from":{},"to":{},"changes":[)", core::json_quote(id.str()), older, newer);
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& c = changes[i];
      out += fmt::format(R"({}{{"op":{},"path":{},"old":{},"new":{}}})", i ? "," : "",
                         core::json_quote(core::field_op_name(c.op)), core::json_quote(c.path),
                         c.old_json.empty() ? "null" : c.old_json, c.new_json.empty() ? "null" : c.new_json);
    }
    write_out(out + "]}\n");
    return 0;
  }
  fmt::print("{}  version {} → {}: {}\n", context.paint(id.str(), Colour::id), older, newer,
             counted(changes.size(), "field change", "field changes"));
  for (const auto& change : changes) print_change(context, change);
  return 0;
}

}  // namespace trialwatch::cli
