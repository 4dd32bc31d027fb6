// SPDX-License-Identifier: MIT
// `/api/…`: the JSON of the CLI's --json, byte for byte, built by the same report functions.
#include "report/events.hpp"
#include "report/results.hpp"
#include "report/status.hpp"
#include "report/studies.hpp"
#include "report/study_history.hpp"
#include "report/version_diff.hpp"
#include "web/pages.hpp"

namespace trialwatch::web {

namespace {

Response json(std::string body, int status = 200) { return Response{status, "application/json", std::move(body), {}}; }

// The NCT ID in `path` between "/api/studies/" and "/history", or nothing when the path is not of that form.
std::optional<core::NctId> history_path(std::string_view path) {
  constexpr std::string_view prefix = "/api/studies/";
  constexpr std::string_view suffix = "/history";
  if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size())
    return std::nullopt;
  return report::parse_id(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
}

}  // namespace

std::optional<Response> api(const PageContext& context, std::string_view path, const Request& request) {
  if (path == "/api/events") {
    auto filter = event_filter(request);
    filter.limit = number_param(request, "limit", -1);  // absent: all
    const auto query = report::event_query(filter, context.now, "");
    std::string body;
    report::EventsJson writer([&body](std::string_view part) { body.append(part); }, false);
    store::Queries(context.db).each_event(query, [&](const store::StoredEvent& event) { writer.add(event); });
    writer.finish();
    return json(std::move(body));
  }
  if (path == "/api/studies")
    return json(report::studies_json(store::Queries(context.db).list(),
                                     report::tracked_results(context.db, context.today, context.due_after)));
  if (path == "/api/related") {
    std::optional<core::NctId> subject;
    if (const auto nct = param(request, "nct"); nct && !nct->empty()) subject = report::parse_id(*nct);
    return json(report::related_json(store::Queries(context.db).related(subject)));
  }
  if (path == "/api/due") {
    auto studies = report::tracked_results(context.db, context.today, context.due_after);
    if (const auto overdue = param(request, "overdue"); overdue && (*overdue == "1" || *overdue == "true"))
      std::erase_if(studies, [](const auto& s) { return s.due.state != diff::ResultsState::overdue; });
    report::sort_by_urgency(studies);
    return json(report::due_json(studies));
  }
  if (path == "/api/status")
    return json(report::status_json(report::status_report(context.db, context.now), context.db.name()));
  if (const auto id = history_path(path)) {
    const auto story = report::study_history(context.db, *id, context.today, context.due_after);
    if (story.past.empty() && story.versions.empty())
      return json("{\"error\":\"no version of " + id->str() + " is stored\"}\n", 404);
    return json(report::history_json(story));
  }
  return std::nullopt;
}

}  // namespace trialwatch::web
