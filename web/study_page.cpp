// SPDX-License-Identifier: MIT
// `/study/NCT…`: one trial's story at a glance: summary, timeline, events and versions; and `/study/NCT…/diff`.
#include "core/clock.hpp"
#include "core/partial_date.hpp"
#include "core/strings.hpp"
#include "diff/study_facts.hpp"
#include "store/versions.hpp"
#include "store/watch_list.hpp"

#include "report/study_history.hpp"
#include "report/version_diff.hpp"
#include "report/wording.hpp"
#include "web/fragments.hpp"
#include "web/html.hpp"
#include "web/pages.hpp"
#include "web/timeline.hpp"
#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::web {

namespace {

constexpr std::size_t k_events_shown = 100;

std::string dated_field(const diff::DatedField& date) {
  if (date.date.empty()) return "";
  return date.type.empty() ? date.date : fmt::format("{} ({})", date.date, date.type);
}

std::string facts_list(const diff::StudyFacts& facts, const std::optional<store::WatchEntry>& entry,
                       const diff::ResultsDue* due) {
  std::string out = "<dl class=\"facts\">\n";
  const auto add = [&out](std::string_view term, const std::string& html) {
    if (!html.empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", term, html);
  };
  add("Status", h(facts.overall_status));
  add("Start", h(dated_field(facts.start)));
  add("Primary completion", h(dated_field(facts.primary_completion)));
  add("Completion", h(dated_field(facts.completion)));
  if (facts.enrollment_count)
    add("Enrollment", h(fmt::format("{}{}", *facts.enrollment_count,
                                    facts.enrollment_type.empty() ? "" : " (" + facts.enrollment_type + ")")));
  add("Results", results_badge(due));
  if (due != nullptr && !due->rule.empty())
    add("Results due by", h(due->basis.empty() ? due->rule : fmt::format("{}; from {}", due->rule, due->basis)));
  add("Certification of delay", h(facts.certification_date));
  add("Results submitted", h(facts.results_first_submit_date));
  add("Results posted", h(facts.results_first_post_date));
  add("Last update posted", h(facts.last_update_post_date));
  if (entry) {
    add("Why tracked", h(entry->source) + (entry->note.empty() ? "" : " — " + h(entry->note)));
    add("Tracked since", h(entry->added_at.substr(0, 10)));
  }
  return out + "</dl>\n";
}

// Return the events table, newest first by the day each happened (dated_events()), at most k_events_shown rows:
// a study's whole story is one click away on /events, which pages.
std::string events_table(const PageContext& context, const core::NctId& id,
                         const std::vector<store::StoredEvent>& events) {
  if (events.empty()) return "<p class=\"muted\">No events yet.</p>\n";
  std::vector<const store::StoredEvent*> newest;
  for (auto e = events.rbegin(); e != events.rend(); ++e) newest.push_back(&*e);
  std::stable_sort(newest.begin(), newest.end(),
                   [](const auto* a, const auto* b) { return event_day(*a) > event_day(*b); });
  const std::size_t shown = std::min(newest.size(), k_events_shown);
  std::string out = fmt::format(
      "<div class=\"table-wrap\"><table class=\"events\"><caption>Newest first{}</caption>\n<thead><tr>"
      "<th scope=\"col\">Date</th><th scope=\"col\">Event</th><th scope=\"col\">What changed</th>"
      "<th scope=\"col\">Version</th><th scope=\"col\">Known since</th></tr></thead>\n<tbody>\n",
      shown < newest.size() ? fmt::format(", the latest {} of {}", shown, newest.size()) : "");
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& e = *newest[i];
    const std::string version = e.registry_version ? fmt::format("r{}", *e.registry_version)
                                : e.version        ? std::to_string(*e.version)
                                                   : "";
    out += fmt::format(
        "<tr class=\"event-{}\"><td class=\"date\">{}</td><td>{}</td><td class=\"text\">{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        h(core::event_type_name(e.type)), h(event_day(e)), h(core::event_type_name(e.type)), change_text(e), h(version),
        e.provenance == core::Provenance::registry_history ? "the registry's history"
                                                           : time_ago(e.detected_at, context.now));
  }
  out += "</tbody></table></div>\n";
  if (shown < newest.size())
    out +=
        fmt::format("<p><a href=\"/events?nct={}\">All {} events of {}</a></p>\n", id.str(), newest.size(), id.str());
  return out;
}

// The overall status of each version seen live, oldest first, as the status_changed events tell it: a version has
// the new status of the last change at or before it, the first the old status of the first change (or `latest`).
std::vector<std::string> live_statuses(const report::StudyHistory& story, const std::string& latest) {
  std::vector<std::string> statuses(story.versions.size());
  const store::StoredEvent* first_change = nullptr;
  for (const auto& e : story.events)
    if (e.type == core::EventType::status_changed && e.version && !e.registry_version) {
      if (first_change == nullptr) first_change = &e;
      for (std::size_t i = 0; i < story.versions.size(); ++i)
        if (story.versions[i].version >= *e.version) statuses[i] = report::plain_value(e.new_json);
    }
  const std::string before = first_change ? report::plain_value(first_change->old_json) : latest;
  for (auto& status : statuses)
    if (status.empty()) status = before;
  return statuses;
}

std::string versions_table(const report::StudyHistory& story, const std::string& latest_status) {
  const auto statuses = live_statuses(story, latest_status);
  const std::string id = story.id.str();
  std::string out =
      "<div class=\"table-wrap\"><table class=\"versions\"><caption>Past versions from the registry (r0, r1, …), "
      "then the versions trialwatch saw (1, 2, …)</caption>\n<thead><tr><th scope=\"col\">Version</th>"
      "<th scope=\"col\">Posted</th><th scope=\"col\">Status</th><th scope=\"col\">Changes</th>"
      "<th scope=\"col\">Results due</th><th scope=\"col\">Compare</th></tr></thead>\n<tbody>\n";
  std::optional<report::VersionName> previous;  // the last version with a document, to compare with
  std::string last_due;
  const auto due_cell = [&](std::size_t i) {
    const auto& due = story.due_dates.empty() ? std::string() : story.due_dates[i];
    if (due.empty() || due == last_due) return std::string();
    last_due = due;
    return due;
  };
  const auto compare = [&](const report::VersionName& v) {
    if (!previous) return std::string();
    const std::string link =
        fmt::format("<a href=\"/study/{}/diff?from={}&amp;to={}\">changes from {}</a>", id,
                    report::version_label(*previous), report::version_label(v), report::version_label(*previous));
    return link;
  };
  for (std::size_t i = 0; i < story.past.size(); ++i) {
    const auto& p = story.past[i];
    const report::VersionName name{true, p.registry_version};
    const bool fetched = !p.hash.empty();
    out += fmt::format("<tr><td>r{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       p.registry_version, h(p.posted_date), h(p.overall_status), fetched ? "" : "not fetched",
                       h(due_cell(i)), fetched ? compare(name) : "");
    if (fetched) previous = name;
  }
  for (std::size_t i = 0; i < story.versions.size(); ++i) {
    const auto& v = story.versions[i];
    const report::VersionName name{false, v.version};
    out += fmt::format("<tr><td>{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       v.version, h(v.last_update_post_date), h(statuses[i]),
                       v.version == 1 && story.past.empty() ? "" : std::to_string(v.changes),
                       h(due_cell(story.past.size() + i)), compare(name));
    previous = name;
  }
  return out + "</tbody></table></div>\n";
}

// Say whether `event` is a results event whose new value is the day it happened ("2026-09-03").
bool is_results_date(const store::StoredEvent& event) {
  if (event.type != core::EventType::results_submitted && event.type != core::EventType::results_posted) return false;
  const auto day = core::PartialDate::parse(report::plain_value(event.new_json));
  return day && day->precision() == core::PartialDate::Precision::day;
}

// The study's events with the day each happened in the registry: results on the day the record gives; a sponsor
// update's (and the first snapshot's) on the day its version was posted, not the day trialwatch saw it; past events
// carry theirs already.
std::vector<store::StoredEvent> dated_events(const report::StudyHistory& story) {
  auto events = story.events;
  for (auto& event : events) {
    const bool dated_by_version =
        event.provenance == core::Provenance::sponsor_update || event.provenance == core::Provenance::tracking;
    if (!event.posted_date.empty()) continue;
    if (is_results_date(event)) {  // results submitted or posted on the day the record gives
      event.posted_date = report::plain_value(event.new_json);
      continue;
    }
    if (!dated_by_version || !event.version) continue;
    const auto v = std::find_if(story.versions.begin(), story.versions.end(),
                                [&](const store::VersionInfo& info) { return info.version == *event.version; });
    if (v != story.versions.end()) event.posted_date = v->last_update_post_date;
  }
  return events;
}

}  // namespace

Response study_page(const PageContext& context, const core::NctId& id) {
  const auto story = report::study_history(context.db, id, context.today, context.due_after);
  const auto entry = store::WatchList(context.db).entry(id);
  if (story.past.empty() && story.versions.empty() && !entry)
    return error_page(404, fmt::format("{} is not tracked; track it with trialwatch track {}", id.str(), id.str()));
  std::optional<diff::StudyFacts> facts;
  if (const auto latest = store::Versions(context.db).latest(id))
    if (auto read = diff::read_study_facts(latest->raw_json)) facts = std::move(*read);
  std::optional<diff::ResultsDue> due_now;
  if (facts) due_now = diff::results_due(diff::due_facts(*facts), context.today, context.due_after);
  const auto* due = due_now ? &*due_now : nullptr;

  const std::string title = facts && !facts->brief_title.empty() ? facts->brief_title : id.str();
  std::string body = fmt::format(
      "<p class=\"muted\"><a href=\"/\">Studies</a> › <span class=\"nct\">{}</span></p>\n"
      "<h1><span class=\"nct\">{}</span> {}</h1>\n"
      "<p><a href=\"{}\">On ClinicalTrials.gov</a> · <a href=\"/events?nct={}\">Events</a> · "
      "<a href=\"/api/studies/{}/history\">JSON</a></p>\n",
      id.str(), id.str(), facts ? h(facts->brief_title) : "", h(report::study_link(id.str())), id.str(), id.str());
  if (facts)
    body += facts_list(*facts, entry, due);
  else
    body += "<p class=\"muted\">trialwatchd has not stored a version of this study yet.</p>\n";
  const auto events = dated_events(story);
  const auto timeline =
      timeline_of(story.past, events, facts, due_now,
                  core::format_rfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(context.now))
                      .substr(0, 10));
  const std::string svg = timeline_svg(timeline);
  if (!svg.empty())
    body += "<h2 id=\"timeline\">Timeline</h2>\n<figure class=\"timeline\" aria-labelledby=\"timeline\">" + svg +
            "<figcaption>Status periods from the registry's history and trialwatch's own versions; marks for date "
            "slips, enrollment and results.</figcaption></figure>\n";
  body += "<h2>Events</h2>\n" + events_table(context, id, events);
  body += "<h2>Versions</h2>\n" + versions_table(story, facts ? facts->overall_status : "");
  if (!story.due_error.empty())
    body += "<p class=\"muted\">Results due dates left out: " + h(story.due_error) + "</p>\n";
  return Response{200, "text/html; charset=utf-8", page(id.str() + " " + title, Section::studies, body), {}};
}

Response diff_page(const PageContext& context, const core::NctId& id, const Request& request) {
  const auto named = [&](std::string_view name) -> std::optional<report::VersionName> {
    const auto text = param(request, name);
    if (!text || text->empty()) return std::nullopt;
    const auto version = report::parse_version_name(*text);
    if (!version)
      throw report::BadParameter(
          fmt::format("{} {}: give a version seen live (1, 2, ...) or the registry's past "
                      "version r0, r1, ...",
                      name, *text));
    return version;
  };
  const auto found = report::version_diff(context.db, id, named("from"), named("to"));
  const std::string from = report::version_label(found.older);
  const std::string to = report::version_label(found.newer);
  std::string body = fmt::format(
      "<p class=\"muted\"><a href=\"/\">Studies</a> › <a href=\"/study/{0}\">{0}</a> › changes</p>\n"
      "<h1><span class=\"nct\">{0}</span>: version {1} → {2}</h1>\n<p>{3}</p>\n",
      id.str(), h(from), h(to), h(core::counted(found.changes.size(), "field change", "field changes")));
  if (!found.changes.empty()) {
    body += fmt::format(
        "<div class=\"table-wrap\"><table class=\"diff\"><thead><tr><th scope=\"col\">Field</th>"
        "<th scope=\"col\">Version {}</th><th scope=\"col\">Version {}</th></tr></thead>\n<tbody>\n",
        h(from), h(to));
    for (const auto& change : found.changes) {
      const std::string op(core::field_op_name(change.op));
      body += fmt::format(
          "<tr class=\"op-{0}\"><th scope=\"row\" class=\"path\">{1}</th><td class=\"value old op-{0}\">{2}</td>"
          "<td class=\"value new op-{0}\">{3}</td></tr>\n",
          h(op), h(change.path), change.old_json.empty() ? "" : h(report::plain_value(change.old_json)),
          change.new_json.empty() ? "" : h(report::plain_value(change.new_json)));
    }
    body += "</tbody></table></div>\n";
  }
  return Response{200, "text/html; charset=utf-8", page(id.str() + " changes", Section::studies, body), {}};
}

}  // namespace trialwatch::web
