// SPDX-License-Identifier: MIT
// events, export and feed: the change events for people, scripts and feed readers.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "cli/text_table.hpp"
#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "store/event_json.hpp"
#include "store/queries.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace trialwatch::cli {

namespace {

// Turn --since (a duration such as "7d", a date or an RFC 3339 time) into the stored time format.
std::string since_time(const Context& context, const std::string& since) {
  if (since.empty()) return {};
  if (const auto duration = core::parse_duration(since))
    return core::format_rfc3339(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(context.now() - *duration));
  if (const auto at = core::parse_utc_time(since)) return core::format_rfc3339(*at);
  throw UsageError(
      fmt::format("--since {}: give a duration such as 7d or 12h, a date such as 2026-09-01, or an "
                  "RFC 3339 time",
                  core::for_terminal(since)));
}

// Every event type's contract name, in the order of the contract.
std::vector<std::string> event_type_names() {
  std::vector<std::string> names;
  for (int i = 0; core::event_type_name(static_cast<core::EventType>(i)) != "unknown"; ++i)
    names.emplace_back(core::event_type_name(static_cast<core::EventType>(i)));
  return names;
}

core::EventType parse_type(const std::string& name) {
  if (const auto type = core::parse_event_type(name)) return *type;
  const auto names = event_type_names();
  const auto suggestion = nearest(name, names);
  throw UsageError(fmt::format("--type {}: not an event type{} Types: {}", core::for_terminal(name),
                               suggestion ? "; did you mean " + *suggestion + "?" : ".", core::join(names, ", ")));
}

store::EventQuery query_of(const Context& context, const EventFilter& filter) {
  store::EventQuery query;
  query.since = since_time(context, filter.since);
  for (const auto& name : filter.types) query.types.push_back(parse_type(name));
  if (!filter.nct.empty()) query.nct_id = parse_id(filter.nct);
  query.limit = filter.limit;
  return query;
}

// Append what changed, in words, to `out`: "RECRUITING → ACTIVE_NOT_RECRUITING" for a scalar change, else the
// summary.
void append_change_text(std::string& out, const store::StoredEvent& event) {
  const bool scalar_old = !event.old_json.empty() && event.old_json.front() != '{' && event.old_json.front() != '[';
  const bool scalar_new = !event.new_json.empty() && event.new_json.front() != '{' && event.new_json.front() != '[';
  if (event.type != core::EventType::status_changed || !scalar_old || !scalar_new) {
    out += event.summary;
    return;
  }
  append_plain_value(out, event.old_json);
  out += " → ";
  append_plain_value(out, event.new_json);
}

// Writes events to stdout one at a time, as one JSON array or as JSON lines.
class JsonWriter {
 public:
  explicit JsonWriter(Format format) : m_format(format) {}

  // Write `event`, after a comma if it is not the first in an array.
  void add(const store::StoredEvent& event) {
    if (m_format == Format::json) std::fputs(m_count == 0 ? "[" : ",", stdout);
    const std::string json = store::event_json(event);
    std::fwrite(json.data(), 1, json.size(), stdout);
    if (m_format == Format::jsonl) std::fputc('\n', stdout);
    ++m_count;
  }

  // Close the array (an empty one if no event came).
  void finish() {
    if (m_format == Format::json) std::fputs(m_count == 0 ? "[]\n" : "]\n", stdout);
  }

 private:
  Format m_format;
  std::size_t m_count = 0;
};

void print_json(const std::vector<store::StoredEvent>& events, Format format) {
  JsonWriter writer(format);
  for (const auto& event : events) writer.add(event);
  writer.finish();
}

}  // namespace

int events(const Context& context, const EventFilter& filter, Format format) {
  const auto query = query_of(context, filter);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  if (format != Format::human) {  // streamed: a busy week need not be held in memory
    JsonWriter writer(format);
    queries.each_event(query, [&](const store::StoredEvent& event) { writer.add(event); });
    writer.finish();
    return 0;
  }
  // The table's widths depend on every row, so the four cells shown are kept (in one buffer), not the events.
  auto brief = query;
  brief.brief = true;
  TextTable table;
  for (const auto* title : {"STUDY", "TYPE", "WHAT CHANGED", "WHEN"}) table.add_cell(title);
  std::string last_detected_at;  // a run's events share their time, and so their "3 days ago"
  std::string last_ago;
  std::size_t shown = 0;
  queries.each_event(brief, [&](const store::StoredEvent& event) {
    ++shown;
    table.start_row();
    table.add_cell(event.nct_id);
    table.add_cell(core::event_type_name(event.type));
    append_change_text(table.cell_text(), event);
    table.end_cell();
    if (event.detected_at != last_detected_at) {
      last_detected_at = event.detected_at;
      last_ago.clear();
      append_ago(last_ago, event.detected_at, context.now());
    }
    table.add_cell(last_ago);
  });
  if (shown == 0) {
    std::puts("No events match.");
    return 0;
  }
  table.render(context.width(), 2, write_out);  // what changed gives way to the width
  return 0;
}

int export_events(const Context& context, const std::string& format, const std::string& since) {
  if (format != "jsonl" && format != "csv") throw UsageError("--format must be jsonl or csv");
  EventFilter filter;
  filter.since = since;
  const auto query = query_of(context, filter);
  auto db = context.open_for_reading();
  auto found = store::Queries(db).events(query);
  std::reverse(found.begin(), found.end());  // oldest first: the order things happened, for other tools
  if (format == "jsonl") {
    print_json(found, Format::jsonl);
    return 0;
  }
  std::string out = "id,nct_id,type,detected_at,data_timestamp,version,provenance,path,old,new,summary,source\r\n";
  for (const auto& e : found) {
    const std::vector<std::string> fields{e.id,
                                          e.nct_id,
                                          std::string(core::event_type_name(e.type)),
                                          e.detected_at,
                                          e.data_timestamp,
                                          e.version ? std::to_string(*e.version) : "",
                                          std::string(core::provenance_name(e.provenance)),
                                          e.path,
                                          e.old_json,
                                          e.new_json,
                                          e.summary,
                                          e.source};
    for (std::size_t i = 0; i < fields.size(); ++i) out.append(i ? "," : "").append(csv_field(fields[i]));
    out += "\r\n";
  }
  write_out(out);
  return 0;
}

int feed(const Context& context, const std::string& output) {
  auto db = context.open_for_reading();
  store::EventQuery query;
  query.limit = 500;  // a feed is for what is new; `export` has everything
  const auto found = store::Queries(db).events(query);
  const std::string updated =
      found.empty()
          ? core::format_rfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(context.now()))
          : found.front().detected_at;
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  xml += "  <id>urn:trialwatch:" + core::for_xml(context.database_path().string()) + "</id>\n";
  xml += "  <title>trialwatch: ClinicalTrials.gov changes</title>\n";
  xml += "  <updated>" + core::for_xml(updated) + "</updated>\n  <author><name>trialwatch</name></author>\n";
  xml += "  <generator>trialwatch</generator>\n";
  for (const auto& e : found) {
    std::string link = study_link(e.nct_id);
    if (e.type == core::EventType::results_posted || e.type == core::EventType::results_updated) link += "?tab=results";
    xml += "  <entry>\n    <id>urn:trialwatch:event:" + core::for_xml(e.id) + "</id>\n";
    xml += "    <title>" +
           core::for_xml(e.nct_id + " " + std::string(core::event_type_name(e.type)) + ": " + e.summary) + "</title>\n";
    xml += "    <updated>" + core::for_xml(e.detected_at) + "</updated>\n";
    xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + core::for_xml(link) + "\"/>\n";
    xml += "    <category term=\"" + core::for_xml(std::string(core::event_type_name(e.type))) + "\"/>\n";
    xml += "    <summary>" + core::for_xml(e.summary) + "</summary>\n  </entry>\n";
  }
  xml += "</feed>\n";
  if (output.empty() || output == "-") {
    write_out(xml);
    return 0;
  }
  const std::string partial = output + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file << xml;
    if (!file) throw std::runtime_error(fmt::format("cannot write {}; check the folder and its permissions", output));
  }
  if (std::rename(partial.c_str(), output.c_str()) != 0)  // readers never see half a feed
    throw std::runtime_error(fmt::format("cannot replace {}; check the folder and its permissions", output));
  return 0;
}

}  // namespace trialwatch::cli
