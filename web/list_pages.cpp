// SPDX-License-Identifier: MIT
// `/events`, `/due`, `/related`, `/status` and `/feed.atom`: the CLI's read commands as pages.
#include "core/strings.hpp"
#include "store/queries.hpp"

#include "report/bad_parameter.hpp"
#include "report/events.hpp"
#include "report/results.hpp"
#include "report/status.hpp"
#include "report/wording.hpp"
#include "web/fragments.hpp"
#include "web/html.hpp"
#include "web/pages.hpp"
#include <fmt/format.h>

#include <charconv>

namespace trialwatch::web {

namespace {

constexpr int k_events_per_page = 100;

Response html(std::string_view title, Section section, const std::string& body) {
  return Response{200, "text/html; charset=utf-8", page(title, section, body), {}};
}

}  // namespace

int number_param(const Request& request, std::string_view name, int fallback, int most) {
  const auto value = param(request, name);
  if (!value || value->empty()) return fallback;
  int number = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < 1 || number > most)
    throw report::BadParameter(most == std::numeric_limits<int>::max()
                                   ? fmt::format("{} must be a whole number of 1 or more", name)
                                   : fmt::format("{} must be a whole number from 1 to {}", name, most));
  return number;
}

namespace {

std::string text_input(std::string_view name, std::string_view label, const std::string& value, std::string_view hint) {
  return fmt::format("<label>{}<input name=\"{}\" value=\"{}\" placeholder=\"{}\"></label>", label, name, h(value),
                     hint);
}

}  // namespace

std::optional<std::string> param(const Request& request, std::string_view name) {
  for (const auto& [key, value] : request.params)
    if (key == name) return value;
  return std::nullopt;
}

report::EventFilter event_filter(const Request& request) {
  report::EventFilter filter;
  filter.since = param(request, "since").value_or("");
  filter.nct = param(request, "nct").value_or("");
  for (const auto& [key, value] : request.params)
    if (key == "type")
      for (std::size_t at = 0; at <= value.size();) {  // "a,b" as well as type=a&type=b, as the CLI's --type
        const std::size_t comma = std::min(value.find(',', at), value.size());
        if (comma > at) filter.types.push_back(value.substr(at, comma - at));
        at = comma + 1;
      }
  return filter;
}

Response events_page(const PageContext& context, const Request& request) {
  auto filter = event_filter(request);
  // Bounded so that the page's offset, (page - 1) * limit, fits an int.
  const int limit = number_param(request, "limit", k_events_per_page, 1000);
  const int current = number_param(request, "page", 1, 1'000'000);
  auto query = report::event_query(filter, context.now, "");
  query.limit = limit + 1;  // one more tells whether there is a next page
  query.offset = (current - 1) * limit;
  const auto found = store::Queries(context.db).events(query);

  std::string body = "<h1>Events</h1>\n<form class=\"filters\" method=\"get\" action=\"/events\">";
  body += text_input("since", "Since", filter.since, "7d, 2026-09-01");
  body += "<label>Type<select name=\"type\"><option value=\"\">all</option>";
  const std::string chosen = filter.types.size() == 1 ? filter.types.front() : "";
  for (const auto& name : report::event_type_names())
    body += fmt::format("<option{}>{}</option>", name == chosen ? " selected" : "", h(name));
  body += "</select></label>";
  body += text_input("nct", "Study", filter.nct, "NCT06613490");
  body += "<button type=\"submit\">Show</button></form>\n";
  if (found.empty()) return html("Events", Section::events, body + "<p>No events match.</p>\n");
  const std::size_t shown = std::min(found.size(), static_cast<std::size_t>(limit));
  body +=
      "<div class=\"table-wrap\"><table class=\"events\"><caption>Newest first</caption>\n<thead><tr>"
      "<th scope=\"col\">Study</th><th scope=\"col\">Event</th><th scope=\"col\">What changed</th>"
      "<th scope=\"col\">Detected</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& e = found[i];
    // An event of the registry's past says when its version was posted; the others, when trialwatch saw them.
    const std::string detected = e.provenance == core::Provenance::registry_history
                                     ? "registry history, posted " + h(e.posted_date)
                                     : time_ago(e.detected_at, context.now);
    body += fmt::format(
        "<tr class=\"event-{0}\"><td>{1}</td><td>{0}</td><td class=\"text\">{2}</td><td class=\"date\">{3}</td></tr>\n",
        h(core::event_type_name(e.type)), study_anchor(e.nct_id), change_text(e), detected);
  }
  body += "</tbody></table></div>\n";
  const auto link = [&](int to, std::string_view text) {
    return fmt::format("<a href=\"/events?since={}&amp;type={}&amp;nct={}&amp;limit={}&amp;page={}\">{}</a>",
                       url_encode(filter.since), url_encode(core::join(filter.types, ",")), url_encode(filter.nct),
                       limit, to, text);
  };
  if (current > 1 || found.size() > shown) {
    body += "<nav class=\"pages\" aria-label=\"Pages\">";
    if (current > 1) body += link(current - 1, "← Newer");
    if (found.size() > shown) body += link(current + 1, "Older →");
    body += "</nav>\n";
  }
  return html("Events", Section::events, body);
}

Response due_page(const PageContext& context) {
  auto studies = report::tracked_results(context.db, context.today, context.due_after);
  report::sort_by_urgency(studies);
  std::string body = "<h1>Results due</h1>\n";
  if (studies.empty())
    return html("Results due", Section::due,
                body + "<p>trialwatchd has not read any tracked study's dates yet; it does at its next cycle.</p>\n");
  body +=
      "<div class=\"table-wrap\"><table class=\"due\"><caption>Most urgent first</caption>\n<thead><tr>"
      "<th scope=\"col\">Study</th><th scope=\"col\">Results</th><th scope=\"col\">Rule</th></tr></thead>\n"
      "<tbody>\n";
  for (const auto& s : studies)
    body += fmt::format("<tr data-state=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        h(diff::results_state_name(s.due.state)), study_anchor(s.id.str()), results_badge(&s.due),
                        h(s.due.basis.empty() ? s.due.rule : s.due.rule + "; from " + s.due.basis));
  return html("Results due", Section::due, body + "</tbody></table></div>\n");
}

Response related_page(const PageContext& context) {
  const auto suggestions = store::Queries(context.db).related(std::nullopt);
  std::string body = "<h1>Related trials</h1>\n";
  if (suggestions.empty())
    return html("Related trials", Section::related,
                body +
                    "<p>No related trials were found yet; the daemon looks for them when a study is first tracked "
                    "and again every full_reconcile period.</p>\n");
  std::string subject;
  for (const auto& s : suggestions) {
    if (s.subject != subject) {
      if (!subject.empty()) body += "</tbody></table></div>\n";
      subject = s.subject;
      body += fmt::format(
          "<h2>Related to {}</h2>\n<div class=\"table-wrap\"><table class=\"related\"><thead><tr>"
          "<th scope=\"col\">Study</th><th scope=\"col\">Score</th><th scope=\"col\">Tracked</th>"
          "<th scope=\"col\">Title</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n",
          study_anchor(subject));
    }
    const std::string link =
        s.tracked ? study_anchor(s.nct_id)
                  : fmt::format("<a class=\"nct\" href=\"{}\">{}</a>", h(report::study_link(s.nct_id)), h(s.nct_id));
    body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", link, s.score,
                        s.tracked ? "yes" : "no", h(s.title), h(core::join(s.reasons, "; ")));
  }
  return html("Related trials", Section::related, body + "</tbody></table></div>\n");
}

Response status_page(const PageContext& context) {
  const auto found = report::status_report(context.db, context.now);
  const auto& s = found.store;
  const auto when = [&](const std::optional<std::string>& at) {
    return at ? time_ago(*at, context.now) + " <span class=\"muted\">" + h(*at) + "</span>" : std::string("never");
  };
  std::string body = fmt::format("<h1>Status</h1>\n<p class=\"health health-{}\"><strong>{}</strong>{}</p>\n",
                                 report::health_name(found.verdict.health), report::health_name(found.verdict.health),
                                 found.verdict.sentence.empty() ? "" : ": " + h(found.verdict.sentence));
  body += "<dl class=\"facts\">\n";
  const auto add = [&body](std::string_view term, const std::string& html_text) {
    body += fmt::format("<dt>{}</dt><dd>{}</dd>\n", term, html_text);
  };
  add("Registry data synced", h(s.completed_data_timestamp.value_or("never")));
  add("Tracked studies", h(fmt::format("{} ({} with a stored version)", s.tracked, s.studies_with_versions)));
  for (const auto& id : s.not_found) add(h(id), "not found — check the ID; the registry has never served it");
  add("Stored", h(fmt::format("{}, {}", core::counted(s.versions, "version", "versions"),
                              core::counted(s.events, "event", "events"))));
  add("Last full reconcile", when(s.last_reconcile));
  add("Notifications", h(fmt::format("{} pending, {} delivered, {} dead", s.notifications.pending,
                                     s.notifications.delivered, s.notifications.dead)));
  for (const auto& search : s.searches)
    add(h("Search " + search.name),
        search.last_error.empty()
            ? h(core::counted(search.tracked, "study", "studies")) + " tracked, last run " +
                  when(search.completed_at.empty() ? std::nullopt : std::optional(search.completed_at))
            : h(search.last_error));
  if (found.backfill.waiting > 0 || found.backfill.known > 0)
    add("Backfill", h(fmt::format("{} waiting, {} of {} past versions fetched{}",
                                  core::counted(found.backfill.waiting, "study", "studies"), found.backfill.fetched,
                                  found.backfill.known,
                                  found.backfill.failing > 0 ? "; failing: " + found.backfill.last_error : "")));
  if (s.last_run) {
    const auto& run = *s.last_run;
    add("Last sync",
        when(run.started_at) +
            h(fmt::format(": {}, {}, {} checked, {} fetched, {} changed, {}", store::run_outcome_name(run.outcome),
                          core::counted(run.requests, "request", "requests"), run.checked, run.fetched, run.changed,
                          core::counted(run.events, "event", "events"))));
    if (!run.error.empty()) add("Last error", h(run.error));
  } else {
    add("Last sync", "never");
  }
  if (s.next_check_at) add("Next check", when(s.next_check_at));
  body += "</dl>\n<p><a href=\"/api/status\">JSON</a></p>\n";
  return html("Status", Section::status, body);
}

Response atom(const PageContext& context) {
  store::EventQuery query;
  query.limit = 500;  // as `trialwatch feed`: a feed is for what is new
  const auto found = store::Queries(context.db).events(query);
  return Response{
      200, "application/atom+xml; charset=utf-8", report::atom_feed(found, context.db.name(), context.now), {}};
}

}  // namespace trialwatch::web
