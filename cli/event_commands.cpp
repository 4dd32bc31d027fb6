// SPDX-License-Identifier: MIT
// events, export and feed: the change events for people, scripts and feed readers.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "cli/text_table.hpp"
#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "store/queries.hpp"

#include "report/events.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace trialwatch::cli {

namespace {

store::EventQuery query_of(const Context& context, const EventFilter& filter) {
  return report::event_query(filter, context.now());
}

void print_json(const std::vector<store::StoredEvent>& events, Format format) {
  report::EventsJson writer(write_out, format == Format::jsonl);
  for (const auto& event : events) writer.add(event);
  writer.finish();
}

}  // namespace

int events(const Context& context, const EventFilter& filter, Format format) {
  const auto query = query_of(context, filter);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  if (format != Format::human) {  // streamed: a busy week need not be held in memory
    report::EventsJson writer(write_out, format == Format::jsonl);
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
    report::append_what_changed(table.cell_text(), event);
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
  const std::string xml = report::atom_feed(found, db.name(), context.now());
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
