// SPDX-License-Identifier: MIT
// history, show and diff: one study over time.
#include "cli/commands.hpp"
#include "cli/line_diff.hpp"
#include "cli/text.hpp"
#include "cli/text_table.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"
#include "diff/website_text.hpp"
#include "store/event_json.hpp"
#include "store/queries.hpp"
#include "store/registry_history.hpp"
#include "store/store_error.hpp"
#include "store/versions.hpp"

#include "report/study_history.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace trialwatch::cli {

namespace {

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
  const auto story = report::study_history(db, id, std::chrono::floor<std::chrono::days>(context.now()),
                                           due_after_or_default(context));
  if (story.past.empty() && story.versions.empty()) report::versions_or_fail(store::Queries(db), id);
  if (!story.due_error.empty())
    std::fprintf(stderr, "trialwatch: %s; the results due dates are left out\n", story.due_error.c_str());
  if (format != Format::human) {
    write_out(report::history_json(story));
    return 0;
  }
  const auto& past = story.past;
  const auto& versions = story.versions;
  const auto& events = story.events;
  const auto& due = story.due_dates;
  if (past.empty())
    fmt::print("{}: {}, {}\n{}\n\n", context.paint(id.str(), Colour::id),
               core::counted(versions.size(), "version", "versions"), core::counted(events.size(), "event", "events"),
               study_link(id.str()));
  else
    fmt::print("{}: {} from the registry's history (r0, r1, ...), {} seen live, {}\n{}\n\n",
               context.paint(id.str(), Colour::id), core::counted(past.size(), "past version", "past versions"),
               core::counted(versions.size(), "version", "versions"), core::counted(events.size(), "event", "events"),
               study_link(id.str()));
  // DATE: a past version's posted date, a live version's last update posted, or the day an event of no version
  // was detected. STATUS (only with past versions): the status the registry's list gives each past version.
  // RESULTS DUE: the due date where it moved (~: expected, from an estimated completion date).
  TextTable table;
  std::vector<const char*> titles{"VERSION", "DATE", "CHANGES", "RESULTS DUE", "EVENT", "WHAT CHANGED"};
  if (!past.empty()) titles.insert(titles.begin() + 2, "STATUS");
  for (const auto* title : titles) table.add_cell(title);
  const auto add_row = [&](const std::vector<std::string>& cells, const store::StoredEvent* event) {
    table.start_row();
    for (const auto& cell : cells) table.add_cell(cell);
    if (event == nullptr) return;
    table.add_cell(core::event_type_name(event->type));
    table.add_cell(event->summary);
  };
  // Add the rows of one version: its cells on the first, one row per event of it.
  const auto add_version = [&](std::vector<std::string> cells, const auto& belongs) {
    bool any = false;
    for (const auto& e : events)
      if (belongs(e)) {
        add_row(cells, &e);
        cells.assign(cells.size(), "");  // the version's cells on its first row only
        any = true;
      }
    if (!any) add_row(cells, nullptr);
  };
  const auto is_past = [](const store::StoredEvent& e) { return e.registry_version.has_value(); };
  std::string last_due;
  const auto moved_due = [&](std::size_t i) {
    if (due[i].empty() || due[i] == last_due) return std::string();
    last_due = due[i];
    return due[i];
  };
  for (std::size_t i = 0; i < past.size(); ++i) {
    const auto& p = past[i];
    add_version({fmt::format("r{}", p.registry_version), p.posted_date, p.overall_status,
                 p.hash.empty() ? "not fetched" : "", moved_due(i)},
                [&](const store::StoredEvent& e) { return is_past(e) && *e.registry_version == p.registry_version; });
  }
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const auto& v = versions[i];
    std::vector<std::string> cells{std::to_string(v.version), v.last_update_post_date, std::to_string(v.changes),
                                   moved_due(past.size() + i)};
    if (!past.empty()) cells.insert(cells.begin() + 2, "");
    add_version(cells, [&](const store::StoredEvent& e) { return !is_past(e) && e.version == v.version; });
  }
  for (const auto& e : events) {  // events about the study itself, with no version of their own
    if (e.version || is_past(e)) continue;
    std::vector<std::string> cells{"", e.detected_at.substr(0, 10), "", ""};
    if (!past.empty()) cells.push_back("");
    add_row(cells, &e);
  }
  table.render(context.width(), titles.size() - 1, write_out);
  return 0;
}

namespace {

// The posted date of past version `number` of `id` (it has a document, so it is listed).
std::string posted_date(store::Database& db, const core::NctId& id, int number) {
  for (const auto& p : store::RegistryHistory(db).versions(id))
    if (p.registry_version == number) return p.posted_date;
  return "";
}

void print_summary(const Context& context, const core::NctId& id, const diff::StudyFacts& facts,
                   const std::string& heading) {
  fmt::print("{}  {}\n", context.paint(id.str(), Colour::id), core::for_terminal(heading));  // a posted date
  fmt::print("{}\n\n", core::for_terminal(facts.brief_title));
  const auto dated_type = [](const auto& date) {
    return date.date + (date.type.empty() ? "" : " (" + date.type + ")");
  };
  const std::vector<std::vector<std::string>> rows{
      {"status", facts.overall_status},
      {"last update posted", facts.last_update_post_date},
      {"start", dated_type(facts.start)},
      {"primary completion", dated_type(facts.primary_completion)},
      {"completion", dated_type(facts.completion)},
      {"enrollment",
       facts.enrollment_count ? fmt::format("{} ({})", *facts.enrollment_count, facts.enrollment_type) : ""},
      {"results submitted", facts.results_first_submit_date},
      {"results posted", facts.results_first_post_date},
      {"link", study_link(id.str())}};
  write_out(table({}, rows, context.width()));
}

// `show NCT --version rN`: a past version's summary (read in comparable form: the website's HTML decoded) or bytes.
int show_past(const Context& context, store::Database& db, const core::NctId& id, int number, bool raw) {
  const auto document = report::past_document(db, id, number);
  if (raw) {
    write_out(document);
    write_out("\n");
    return 0;
  }
  const auto comparable = diff::comparable_form(document);
  if (!comparable) throw std::runtime_error(comparable.error().message);
  const auto facts = diff::read_study_facts(*comparable);
  if (!facts) throw std::runtime_error(facts.error().message);
  const auto past = store::RegistryHistory(db).versions(id);
  print_summary(context, id, *facts,
                fmt::format("past version r{} of r{} to r{} (the registry's history), posted {}", number,
                            past.front().registry_version, past.back().registry_version, posted_date(db, id, number)));
  return 0;
}

}  // namespace

int show(const Context& context, const std::string& text, std::optional<VersionName> version, bool raw) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  if (version && version->past) return show_past(context, db, id, version->number, raw);
  const auto versions = report::versions_or_fail(store::Queries(db), id);
  const int wanted = version ? version->number : versions.back().version;
  const auto document = store::Versions(db).document(id, wanted);
  if (!document)
    throw UsageError(fmt::format("{} has no version {}; it has {}", id.str(), wanted,
                                 report::version_range(versions.back().version)));
  if (raw) {
    write_out(*document);  // JSON text: its strings' control characters are escapes, never raw
    write_out("\n");
    return 0;
  }
  const auto facts = diff::read_study_facts(*document);
  if (!facts) throw std::runtime_error(facts.error().message);
  const auto& v = versions[static_cast<std::size_t>(wanted - 1)];
  print_summary(
      context, id, *facts,
      fmt::format("version {} of {}, fetched {}", wanted, versions.size(), dated(v.fetched_at, context.now())));
  return 0;
}

namespace {}  // namespace

int diff(const Context& context, const std::string& text, std::optional<VersionName> from,
         std::optional<VersionName> to, Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const auto found = report::version_diff(db, id, from, to);
  const auto& [older, newer, changes] = found;
  if (format != Format::human) {
    write_out(report::version_diff_json(id, found));
    return 0;
  }
  fmt::print("{}  version {} → {}: {}\n", context.paint(id.str(), Colour::id), report::version_label(older),
             report::version_label(newer), core::counted(changes.size(), "field change", "field changes"));
  for (const auto& change : changes) print_change(context, change);
  return 0;
}

}  // namespace trialwatch::cli
