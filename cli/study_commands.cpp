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

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
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

// The results due date a stored document gives (docs/results-due.md), "~" before an expected one (an ESTIMATED
// completion); empty when it was not fetched, cannot be read or gives none.
std::string due_date_of(const std::optional<std::string>& document, std::chrono::sys_days today,
                        diff::DueAfter due_after) {
  if (!document) return "";
  const auto facts = diff::read_study_facts(*document);
  if (!facts) return "";
  const auto due = diff::results_due(diff::due_facts(*facts), today, due_after);
  if (due.due_date.empty()) return "";
  return (due.estimated ? "~" : "") + due.due_date;
}

// The due date of each version, oldest first (past versions, then those seen live): where a slipping completion
// date moved the day results are owed. A damaged stored document is said on stderr and leaves the dates out: the
// timeline itself does not need the documents (`show` and `diff` fail on it with the store's sentence).
std::vector<std::string> due_dates(const Context& context, store::Database& db, const core::NctId& id,
                                   const std::vector<store::PastVersion>& past,
                                   const std::vector<store::VersionInfo>& versions) {
  const auto today = std::chrono::floor<std::chrono::days>(context.now());
  const auto due_after = due_after_or_default(context);
  const store::RegistryHistory history(db);
  const store::Versions live(db);
  std::vector<std::string> dates;
  try {
    for (const auto& p : past)
      dates.push_back(p.hash.empty() ? "" : due_date_of(history.document(id, p.registry_version), today, due_after));
    for (const auto& v : versions) dates.push_back(due_date_of(live.document(id, v.version), today, due_after));
  } catch (const store::StoreError& e) {
    std::fprintf(stderr, "trialwatch: %s; the results due dates are left out\n", e.what());
    dates.clear();
  }
  dates.resize(past.size() + versions.size());
  return dates;
}

}  // namespace

std::optional<VersionName> parse_version_name(std::string_view text) {
  const bool past = text.starts_with('r');
  if (past) text.remove_prefix(1);
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || number < (past ? 0 : 1))
    return std::nullopt;
  return VersionName{past, number};
}

int history(const Context& context, const std::string& text, Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  const auto past = store::RegistryHistory(db).versions(id);
  const auto versions = past.empty() ? versions_or_fail(queries, id) : queries.versions(id);
  store::EventQuery query;
  query.nct_id = id;
  auto events = queries.events(query);
  std::reverse(events.begin(), events.end());  // oldest first, like the versions
  const auto due = due_dates(context, db, id, past, versions);
  const auto due_json = [&](std::size_t i) {
    if (due[i].empty()) return std::string(R"("results_due":null,"results_due_estimated":false)");
    const bool estimated = due[i].front() == '~';
    return fmt::format(R"("results_due":{},"results_due_estimated":{})",
                       core::json_quote(estimated ? due[i].substr(1) : due[i]), estimated ? "true" : "false");
  };
  if (format != Format::human) {
    std::string out = "{\"nct_id\":" + core::json_quote(id.str()) + ",\"past_versions\":[";
    for (std::size_t i = 0; i < past.size(); ++i) {
      const auto& p = past[i];
      out += fmt::format(R"({}{{"registry_version":{},"posted_date":{},"status":{},"fetched":{},{}}})", i ? "," : "",
                         p.registry_version, core::json_quote(p.posted_date), core::json_quote(p.overall_status),
                         p.hash.empty() ? "false" : "true", due_json(i));
    }
    out += "],\"versions\":[";
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const auto& v = versions[i];
      out += fmt::format(R"({}{{"version":{},"fetched_at":{},"data_timestamp":{},"last_update_posted":{},)"
                         R"("raw_size":{},"changes":{},{}}})",
                         i ? "," : "", v.version, core::json_quote(v.fetched_at), core::json_quote(v.data_timestamp),
                         core::json_quote(v.last_update_post_date), v.raw_size, v.changes, due_json(past.size() + i));
    }
    out += "],\"events\":[";
    for (std::size_t i = 0; i < events.size(); ++i) out.append(i ? "," : "").append(store::event_json(events[i]));
    write_out(out + "]}\n");
    return 0;
  }
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

// The sentence for a past version that was listed but not fetched, or that the registry did not list.
[[noreturn]] void missing_past_version(const core::NctId& id, int number, const std::vector<store::PastVersion>& past) {
  const bool listed =
      std::any_of(past.begin(), past.end(), [&](const auto& p) { return p.registry_version == number; });
  if (listed)
    throw UsageError(
        fmt::format("the registry's version {} of {} was listed but not fetched (a status backfill); "
                    "fetch it with trialwatch backfill {} --full and let trialwatchd run",
                    number, id.str(), id.str()));
  if (past.empty())
    throw UsageError(
        fmt::format("{} has no past version from the registry's history; load them with trialwatch "
                    "backfill {} and let trialwatchd run",
                    id.str(), id.str()));
  throw UsageError(fmt::format("{} has no registry version {}; its past versions are r{} to r{}", id.str(), number,
                               past.front().registry_version, past.back().registry_version));
}

// The exact bytes of past version `number` of `id`, or UsageError with a sentence saying why there are none.
std::string past_document(store::Database& db, const core::NctId& id, int number) {
  store::RegistryHistory history(db);
  auto document = history.document(id, number);
  if (!document) missing_past_version(id, number, history.versions(id));
  return std::move(*document);
}

// The posted date of past version `number` of `id` (it has a document, so it is listed).
std::string posted_date(store::Database& db, const core::NctId& id, int number) {
  for (const auto& p : store::RegistryHistory(db).versions(id))
    if (p.registry_version == number) return p.posted_date;
  return "";
}

// A version's name as the command line takes it: "3", or "r0" for the registry's past version 0.
std::string label(const VersionName& v) { return v.past ? fmt::format("r{}", v.number) : std::to_string(v.number); }

// A version's name in JSON: a number for a version seen live, "rN" for a past one.
std::string json_label(const VersionName& v) { return v.past ? core::json_quote(label(v)) : label(v); }

// True when `a` comes before `b` on the study's timeline: past versions before live ones, each in number order.
bool before(const VersionName& a, const VersionName& b) { return a.past != b.past ? a.past : a.number < b.number; }

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
  const auto document = past_document(db, id, number);
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
  const auto versions = versions_or_fail(store::Queries(db), id);
  const int wanted = version ? version->number : versions.back().version;
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
  print_summary(
      context, id, *facts,
      fmt::format("version {} of {}, fetched {}", wanted, versions.size(), dated(v.fetched_at, context.now())));
  return 0;
}

namespace {

// The changes between `older` and `newer` when either is a past version: both read in comparable form, so the
// website's formatting against API v2's is no change.
std::vector<core::FieldChange> past_changes(store::Database& db, const core::NctId& id, const VersionName& older,
                                            const VersionName& newer, int last) {
  const auto document = [&](const VersionName& v) -> std::string {
    if (v.past) return past_document(db, id, v.number);
    if (last == 0) versions_or_fail(store::Queries(db), id);  // throws: no version seen live yet
    if (v.number > last)
      throw UsageError(fmt::format("{} has no version {}; it has {}", id.str(), v.number, version_range(last)));
    return *store::Versions(db).document(id, v.number);
  };
  const auto before_form = diff::comparable_form(document(older));
  if (!before_form) throw std::runtime_error(before_form.error().message);
  const auto after_form = diff::comparable_form(document(newer));
  if (!after_form) throw std::runtime_error(after_form.error().message);
  diff::StudyDiffer differ;
  auto computed = differ.diff(*before_form, *after_form);
  if (!computed) throw std::runtime_error(computed.error().message);
  return std::move(*computed);
}

}  // namespace

int diff(const Context& context, const std::string& text, std::optional<VersionName> from,
         std::optional<VersionName> to, Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  const bool any_past = (from && from->past) || (to && to->past);
  const auto versions = any_past ? queries.versions(id) : versions_or_fail(queries, id);
  const int last = versions.empty() ? 0 : versions.back().version;
  std::vector<core::FieldChange> changes;
  VersionName older;
  VersionName newer;
  if (any_past) {
    newer = to.value_or(VersionName{false, last});
    if (!from && newer.number == 0)
      throw UsageError(fmt::format("r0 is the registry's first version of {}; name a later one with --to", id.str()));
    older = from.value_or(VersionName{newer.past, newer.number - 1});
    if (!before(older, newer))
      throw UsageError(
          fmt::format("--from {} must come before --to {}: the registry's past versions (r0, r1, ...) "
                      "come before the versions seen live (1, 2, ...)",
                      label(older), label(newer)));
    changes = past_changes(db, id, older, newer, last);
  } else {
    newer = VersionName{false, to ? to->number : last};
    older = VersionName{false, from ? from->number : newer.number - 1};
    if (last == 1)
      throw UsageError(
          fmt::format("{} has only version 1 so far; trialwatchd stores another when the record changes", id.str()));
    if (older.number < 1 || newer.number > last || older.number >= newer.number)
      throw UsageError(fmt::format("{} has {}; --from must be lower than --to", id.str(), version_range(last)));
    if (newer.number == older.number + 1) {
      changes = queries.changes(id, newer.number);  // exactly what was recorded when the version was stored
    } else {
      const store::Versions stored(db);
      const auto before_document = stored.document(id, older.number);
      const auto after_document = stored.document(id, newer.number);
      diff::StudyDiffer differ;
      auto computed = differ.diff(*before_document, *after_document);
      if (!computed) throw std::runtime_error(computed.error().message);
      changes = std::move(*computed);
    }
  }
  if (format != Format::human) {
    std::string out = fmt::format(R"({{"nct_id":{},"from":{},"to":{},"changes":[)", core::json_quote(id.str()),
                                  json_label(older), json_label(newer));
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& c = changes[i];
      out += fmt::format(R"({}{{"op":{},"path":{},"old":{},"new":{}}})", i ? "," : "",
                         core::json_quote(core::field_op_name(c.op)), core::json_quote(c.path),
                         c.old_json.empty() ? "null" : c.old_json, c.new_json.empty() ? "null" : c.new_json);
    }
    write_out(out + "]}\n");
    return 0;
  }
  fmt::print("{}  version {} → {}: {}\n", context.paint(id.str(), Colour::id), label(older), label(newer),
             core::counted(changes.size(), "field change", "field changes"));
  for (const auto& change : changes) print_change(context, change);
  return 0;
}

}  // namespace trialwatch::cli
