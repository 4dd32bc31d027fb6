// SPDX-License-Identifier: MIT
// `/`: the tracked studies at a glance, what needs attention first.
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "store/queries.hpp"

#include "report/bad_parameter.hpp"
#include "report/results.hpp"
#include "web/dashboard_rows.hpp"
#include "web/fragments.hpp"
#include "web/html.hpp"
#include "web/pages.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>

namespace trialwatch::web {

namespace {

constexpr int k_page_size = 100;
constexpr int k_attention_limit = 10;
constexpr std::string_view k_states[] = {"overdue", "due_soon", "not_due", "submitted", "posted", "none"};

// A row shown on this page: the study's row and its newest event, read for the rows shown only.
struct Shown {
  const DashboardRow& row;
  const std::optional<store::StoredEvent>& last_event;
};

// Return the parameter `name` when it is one of `choices` (or absent: `fallback`); else BadParameter.
template <std::size_t N>
std::string choice(const Request& request, std::string_view name, const std::string_view (&choices)[N],
                   std::string_view fallback) {
  const auto value = param(request, name);
  if (!value || value->empty()) return std::string(fallback);
  if (std::find(std::begin(choices), std::end(choices), *value) == std::end(choices))
    throw report::BadParameter(
        fmt::format("{} must be one of {}", name,
                    core::join(std::vector<std::string>(std::begin(choices), std::end(choices)), ", ")));
  return *value;
}

int page_number(const Request& request) {
  const auto value = param(request, "page");
  if (!value) return 1;
  int number = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < 1)
    throw report::BadParameter("page must be a whole number of 1 or more");
  return number;
}

std::string attention_section(const PageContext& context, const DashboardRows& rows) {
  std::string items;
  int shown = 0;
  for (const auto i : rows.orders[0]) {
    const auto& row = rows.rows[i];
    if (!row.due || row.due->state != diff::ResultsState::overdue) break;  // attention order: the overdue lead
    if (shown++ == k_attention_limit) break;
    items += fmt::format("<li>{} results {} — {}</li>\n", study_anchor(row.study.entry.id.str()),
                         results_badge(&*row.due), h(row.study.summary.title));
  }
  store::EventQuery posted;
  posted.types = {core::EventType::results_posted};
  posted.since = core::format_rfc3339(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(context.now - std::chrono::days(30)));
  posted.limit = k_attention_limit;
  for (const auto& event : store::Queries(context.db).events(posted))
    if (event.provenance != core::Provenance::registry_history)
      items += fmt::format("<li>{} results posted {} — {}</li>\n", study_anchor(event.nct_id),
                           time_ago(event.detected_at, context.now), h(event.summary));
  if (items.empty()) return "";
  return "<section class=\"attention\" aria-labelledby=\"attention\"><h2 id=\"attention\">Needs "
         "attention</h2>\n<ul>\n" +
         items + "</ul></section>\n";
}

std::string select(std::string_view name, std::string_view label, const std::vector<std::string>& values,
                   const std::string& chosen, std::string_view all) {
  std::string out = fmt::format("<label>{}<select name=\"{}\">", label, name);
  if (!all.empty()) out += fmt::format("<option value=\"\">{}</option>", all);
  for (const auto& value : values)
    out += fmt::format("<option value=\"{}\"{}>{}</option>", h(value), value == chosen ? " selected" : "", h(value));
  return out + "</select></label>";
}

std::string study_row(const PageContext& context, const Shown& shown) {
  const auto& s = shown.row.study;
  const std::string status = s.state == store::StudyState::not_found
                                 ? "not found — check the ID"
                                 : (s.summary.overall_status.empty() ? "not synced yet" : s.summary.overall_status);
  const std::string last_event = shown.last_event
                                     ? fmt::format("{} {}", h(core::event_type_name(shown.last_event->type)),
                                                   time_ago(shown.last_event->detected_at, context.now))
                                     : "";
  return fmt::format(
      "<tr data-nct=\"{}\" data-state=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td class=\"event\">{}</td><td class=\"why\">{}</td></tr>\n",
      h(s.entry.id.str()), h(results_state_of(shown.row)), study_anchor(s.entry.id.str()), h(s.summary.title),
      h(status), h(s.summary.last_update_post_date), results_badge(shown.row.due ? &*shown.row.due : nullptr),
      last_event, h(s.entry.source));
}

}  // namespace

Response dashboard(const PageContext& context, const Request& request) {
  const std::string state = choice(request, "state", k_states, "");
  const std::string sort = choice(request, "sort", k_dashboard_sorts, k_dashboard_sorts[0]);
  const std::string status = param(request, "status").value_or("");
  const int current = page_number(request);

  const auto kept =
      context.dashboard_rows
          ? context.dashboard_rows->rows(context.db, context.database, context.today, context.due_after)
          : std::make_shared<const DashboardRows>(read_dashboard_rows(context.db, context.today, context.due_after));
  const DashboardRows& all = *kept;
  std::string body = "<h1>Tracked studies</h1>\n" + attention_section(context, all);
  if (all.rows.empty()) {
    body += "<p>No studies are tracked. Add one with <code>trialwatch track NCT06613490</code>.</p>\n";
    return Response{200, "text/html; charset=utf-8", page("Tracked studies", Section::studies, body), {}};
  }
  const auto sort_index = static_cast<std::size_t>(
      std::find(std::begin(k_dashboard_sorts), std::end(k_dashboard_sorts), sort) - std::begin(k_dashboard_sorts));
  std::vector<std::size_t> rows;
  for (const auto i : all.orders[sort_index]) {
    const auto& row = all.rows[i];
    if ((state.empty() || results_state_of(row) == state) &&
        (status.empty() || row.study.summary.overall_status == status))
      rows.push_back(i);
  }
  body += "<form class=\"filters\" method=\"get\" action=\"/\">";
  body += select("state", "Results", std::vector<std::string>(std::begin(k_states), std::end(k_states)), state, "all");
  body += select("status", "Status", all.statuses, status, "all");
  body += select("sort", "Sort by",
                 std::vector<std::string>(std::begin(k_dashboard_sorts), std::end(k_dashboard_sorts)), sort, "");
  body += "<button type=\"submit\">Show</button></form>\n";

  const int pages = std::max(1, static_cast<int>((rows.size() + k_page_size - 1) / k_page_size));
  const std::size_t first = static_cast<std::size_t>(std::min(current, pages) - 1) * k_page_size;
  const std::size_t last = std::min(rows.size(), first + k_page_size);
  body += fmt::format(
      "<div class=\"table-wrap\"><table class=\"studies\"><caption>{} of {} tracked {}{}</caption>\n"
      "<thead><tr><th scope=\"col\">Study</th><th scope=\"col\">Title</th><th scope=\"col\">Status</th>"
      "<th scope=\"col\">Updated</th><th scope=\"col\">Results</th><th scope=\"col\" class=\"event\">Last event</th>"
      "<th scope=\"col\" class=\"why\">Why tracked</th></tr></thead>\n<tbody>\n",
      rows.size(), all.rows.size(), all.rows.size() == 1 ? "study" : "studies",
      pages > 1 ? fmt::format(", page {} of {}", std::min(current, pages), pages) : "");
  std::vector<core::NctId> ids;
  for (std::size_t i = first; i < last; ++i) ids.push_back(all.rows[rows[i]].study.entry.id);
  const auto last_events = store::Queries(context.db).last_events(ids);
  for (std::size_t i = first; i < last; ++i)
    body += study_row(context, Shown{all.rows[rows[i]], last_events[i - first]});
  body += "</tbody></table></div>\n";
  if (pages > 1) {
    const auto link = [&](int to, std::string_view text) {
      return fmt::format("<a href=\"/?state={}&amp;status={}&amp;sort={}&amp;page={}\">{}</a>", url_encode(state),
                         url_encode(status), url_encode(sort), to, text);
    };
    body += "<nav class=\"pages\" aria-label=\"Pages\">";
    if (current > 1) body += link(current - 1, "← Previous");
    if (current < pages) body += link(current + 1, "Next →");
    body += "</nav>\n";
  }
  return Response{200, "text/html; charset=utf-8", page("Tracked studies", Section::studies, body), {}};
}

}  // namespace trialwatch::web
