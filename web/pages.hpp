// SPDX-License-Identifier: MIT
// The site's pages and API answers, each rendered from the store's read side for one request.
#pragma once

#include "core/nct_id.hpp"
#include "diff/results_due.hpp"
#include "store/database.hpp"

#include "report/events.hpp"
#include "web/site.hpp"

#include <chrono>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::web {

class DashboardCache;

// What every page needs: the database (read-only, for this request), the time and the results due rule.
struct PageContext {
  store::Database& db;
  std::chrono::system_clock::time_point now;
  std::chrono::sys_days today;
  diff::DueAfter due_after;
  std::filesystem::path database;
  DashboardCache* dashboard_rows = nullptr;  // the dashboard's rows kept between requests (nothing: read each time)
};

// Return the value of query parameter `name` of `request` (the first one), or nothing.
std::optional<std::string> param(const Request& request, std::string_view name);

// Return the whole-number parameter `name` of `request` (1 to `most`), or `fallback` when it is absent or empty;
// throw report::BadParameter with a sentence when it is anything else.
int number_param(const Request& request, std::string_view name, int fallback,
                 int most = std::numeric_limits<int>::max());

// Return the event filters of `request`'s parameters: `since`, `type` (repeated or comma-separated), `nct`.
report::EventFilter event_filter(const Request& request);

// `/`: the tracked studies, what needs attention first; filters `state` (results), `status`, sort `sort`, `page`.
Response dashboard(const PageContext& context, const Request& request);
// `/study/NCT…`: the summary, the timeline drawn, the events and the versions.
Response study_page(const PageContext& context, const core::NctId& id);
// `/study/NCT…/diff?from=&to=`: the field changes between two versions, side by side.
Response diff_page(const PageContext& context, const core::NctId& id, const Request& request);
// `/events`: the events with the CLI's filters (`since`, `type`, `nct`, `limit`), paged (`page`).
Response events_page(const PageContext& context, const Request& request);
// `/due`: each tracked study's results state, most urgent first.
Response due_page(const PageContext& context);
// `/related`: the related-trial suggestions with their reasons.
Response related_page(const PageContext& context);
// `/status`: the facts of `trialwatch status`.
Response status_page(const PageContext& context);
// `/feed.atom`: the Atom feed of `trialwatch feed`.
Response atom(const PageContext& context);
// `/api/…`: JSON in the shapes of the CLI's --json; nothing when `path` is no API path.
std::optional<Response> api(const PageContext& context, std::string_view path, const Request& request);

}  // namespace trialwatch::web
