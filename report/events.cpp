// SPDX-License-Identifier: MIT
#include "report/events.hpp"

#include "core/clock.hpp"
#include "core/config/config.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "store/event_json.hpp"

#include "report/wording.hpp"
#include <fmt/format.h>

namespace trialwatch::report {

namespace {

// Turn `since` (a duration such as "7d", a date or an RFC 3339 time) into the stored time format.
std::string since_time(const std::string& since, std::chrono::system_clock::time_point now, std::string_view flag) {
  if (since.empty()) return {};
  if (const auto duration = core::parse_duration(since))
    return core::format_rfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(now - *duration));
  if (const auto at = core::parse_utc_time(since)) return core::format_rfc3339(*at);
  throw BadParameter(
      fmt::format("{}since {}: give a duration such as 7d or 12h, a date such as 2026-09-01, or an RFC 3339 time", flag,
                  core::for_terminal(since)));
}

core::EventType parse_type(const std::string& name, std::string_view flag) {
  if (const auto type = core::parse_event_type(name)) return *type;
  const auto names = event_type_names();
  const auto suggestion = nearest(name, names);
  throw BadParameter(fmt::format("{}type {}: not an event type{} Types: {}", flag, core::for_terminal(name),
                                 suggestion ? "; did you mean " + *suggestion + "?" : ".", core::join(names, ", ")));
}

}  // namespace

std::vector<std::string> event_type_names() {
  std::vector<std::string> names;
  for (int i = 0; core::event_type_name(static_cast<core::EventType>(i)) != "unknown"; ++i)
    names.emplace_back(core::event_type_name(static_cast<core::EventType>(i)));
  return names;
}

store::EventQuery event_query(const EventFilter& filter, std::chrono::system_clock::time_point now,
                              std::string_view flag) {
  store::EventQuery query;
  query.since = since_time(filter.since, now, flag);
  for (const auto& name : filter.types) query.types.push_back(parse_type(name, flag));
  if (!filter.nct.empty()) query.nct_id = parse_id(filter.nct);
  query.limit = filter.limit;
  return query;
}

void EventsJson::add(const store::StoredEvent& event) {
  if (!m_lines) m_sink(m_count == 0 ? "[" : ",");
  m_sink(store::event_json(event));
  if (m_lines) m_sink("\n");
  ++m_count;
}

void EventsJson::finish() {
  if (!m_lines) m_sink(m_count == 0 ? "[]\n" : "]\n");
}

void append_what_changed(std::string& out, const store::StoredEvent& event) {
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

std::string atom_feed(const std::vector<store::StoredEvent>& events, const std::string& database,
                      std::chrono::system_clock::time_point now) {
  const std::string updated =
      events.empty() ? core::format_rfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(now))
                     : events.front().detected_at;
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  xml += "  <id>urn:trialwatch:" + core::for_xml(database) + "</id>\n";
  xml += "  <title>trialwatch: ClinicalTrials.gov changes</title>\n";
  xml += "  <updated>" + core::for_xml(updated) + "</updated>\n  <author><name>trialwatch</name></author>\n";
  xml += "  <generator>trialwatch</generator>\n";
  for (const auto& e : events) {
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
  return xml + "</feed>\n";
}

}  // namespace trialwatch::report
