// SPDX-License-Identifier: MIT
// The study page's timeline: status periods from past versions and live events (without doubling the registry's
// own history), the marks (completion slips, enrollment, results, the due date), partial dates placed on their last
// day, and the SVG drawing: its bands, marks, text alternative and escaping. The data follow NCT06613490 as the
// recorded documents and tests/data/golden/cli/history tell it (first posted 2024-10-09, recruiting from 2025-01,
// active not recruiting 2026-09-01, completed 2026-09-02, results submitted 2026-09-03 and posted 2026-09-04).
#include "web/timeline.hpp"

#include "web/timeline_css.hpp"
#include <catch2/catch.hpp>

#include <optional>
#include <regex>
#include <string>
#include <vector>

using trialwatch::core::EventType;
using trialwatch::core::Provenance;
using trialwatch::diff::ResultsDue;
using trialwatch::diff::ResultsState;
using trialwatch::diff::StudyFacts;
using trialwatch::store::PastVersion;
using trialwatch::store::StoredEvent;
using trialwatch::web::StatusPeriod;
using trialwatch::web::Timeline;
using trialwatch::web::timeline_of;
using trialwatch::web::timeline_svg;
using trialwatch::web::TimelineMark;
using Kind = TimelineMark::Kind;

namespace Catch {
template <>
struct StringMaker<StatusPeriod> {
  static std::string convert(const StatusPeriod& p) { return p.status + " [" + p.from + ", " + p.to + ")"; }
};
template <>
struct StringMaker<TimelineMark> {
  static std::string convert(const TimelineMark& m) {
    return std::to_string(static_cast<int>(m.kind)) + " " + m.date + " '" + m.label + "'";
  }
};
}  // namespace Catch

namespace trialwatch::web {
bool operator==(const StatusPeriod& a, const StatusPeriod& b) {
  return a.status == b.status && a.from == b.from && a.to == b.to;
}
bool operator==(const TimelineMark& a, const TimelineMark& b) {
  return a.kind == b.kind && a.date == b.date && a.label == b.label;
}
}  // namespace trialwatch::web

namespace {

const std::string k_today = "2026-09-10";

PastVersion past(int number, std::string posted, std::string status) {
  PastVersion version;
  version.registry_version = number;
  version.posted_date = std::move(posted);
  version.overall_status = std::move(status);
  return version;
}

// NCT06613490's registry versions as the history list gives them (the backfill's status mode).
std::vector<PastVersion> nct06613490_past() {
  return {past(0, "2024-10-09", "NOT_YET_RECRUITING"), past(1, "2025-01-14", "RECRUITING"),
          past(2, "2025-04-30", "RECRUITING")};
}

StoredEvent event(EventType type, Provenance provenance, std::string detected_at, std::string path = {},
                  std::string old_json = {}, std::string new_json = {}) {
  StoredEvent e;
  e.id = "e-" + detected_at + path;
  e.nct_id = "NCT06613490";
  e.type = type;
  e.detected_at = std::move(detected_at);
  e.data_timestamp = "2026-09-10T06:00:00";
  e.provenance = provenance;
  e.path = std::move(path);
  e.old_json = std::move(old_json);
  e.new_json = std::move(new_json);
  return e;
}

StoredEvent live_status(std::string detected_at, std::string from, std::string to) {
  return event(EventType::status_changed, Provenance::sponsor_update, std::move(detected_at),
               "protocolSection.statusModule.overallStatus", "\"" + from + "\"", "\"" + to + "\"");
}

// A status change the backfill derived from the history list, as daemon/backfill.cpp stores it.
StoredEvent history_status(int number, std::string posted, std::string from, std::string to) {
  auto e = live_status("2025-05-02T08:05:00Z", std::move(from), std::move(to));
  e.provenance = Provenance::registry_history;
  e.registry_version = number;
  e.posted_date = std::move(posted);
  return e;
}

StoredEvent dates_changed(std::string detected_at, std::string key, std::string old_json, std::string new_json) {
  return event(EventType::dates_changed, Provenance::sponsor_update, std::move(detected_at),
               "protocolSection.statusModule." + key, std::move(old_json), std::move(new_json));
}

std::vector<StoredEvent> nct06613490_events() {
  return {event(EventType::study_tracked, Provenance::tracking, "2025-05-02T08:00:00Z"),
          history_status(1, "2025-01-14", "NOT_YET_RECRUITING", "RECRUITING"),
          live_status("2026-09-01T09:10:00Z", "RECRUITING", "ACTIVE_NOT_RECRUITING"),
          live_status("2026-09-02T09:10:00Z", "ACTIVE_NOT_RECRUITING", "COMPLETED")};
}

const std::vector<StatusPeriod> k_nct06613490_periods{{"NOT_YET_RECRUITING", "2024-10-09", "2025-01-14"},
                                                      {"RECRUITING", "2025-01-14", "2026-09-01"},
                                                      {"ACTIVE_NOT_RECRUITING", "2026-09-01", "2026-09-02"},
                                                      {"COMPLETED", "2026-09-02", "2026-09-10"}};

// The bands of an SVG: (data-status, data-from, data-to) of each rect.band, in order.
std::vector<std::vector<std::string>> bands(const std::string& svg) {
  static const std::regex band(
      R"re(<rect class="band status-[a-z0-9_-]+" data-status="([^"]*)" data-from="([^"]*)" data-to="([^"]*)")re");
  std::vector<std::vector<std::string>> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), band); it != std::sregex_iterator(); ++it)
    out.push_back({(*it)[1], (*it)[2], (*it)[3]});
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

// Say whether every element of `svg` is closed in order and every '<' starts a tag (no raw text markup).
bool well_nested(const std::string& svg) {
  std::vector<std::string> open;
  for (auto pos = svg.find('<'); pos != std::string::npos; pos = svg.find('<', pos + 1)) {
    const auto end = svg.find('>', pos);
    if (end == std::string::npos) return false;
    const std::string tag = svg.substr(pos + 1, end - pos - 1);
    if (tag.empty()) return false;
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else if (tag.back() != '/') {
      const auto name_end = tag.find(' ');
      const std::string name = tag.substr(0, name_end);
      if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
      open.push_back(name);
    }
  }
  return open.empty();
}

}  // namespace

TEST_CASE("NCT06613490's periods run from its past versions through the status changes seen live to today",
          "[timeline]") {
  const Timeline timeline = timeline_of(nct06613490_past(), nct06613490_events(), std::nullopt, std::nullopt, k_today);
  CHECK(timeline.periods == k_nct06613490_periods);
  CHECK(timeline.first_day == "2024-10-09");
  CHECK(timeline.today == k_today);
  CHECK(timeline.last_day == k_today);
  CHECK(timeline.marks.empty());
}

TEST_CASE("Status changes from the registry's history do not double the periods its past versions give", "[timeline]") {
  auto events = nct06613490_events();
  // The same change again, and one the backfill dated a day off: both are the past versions' own story.
  events.push_back(history_status(1, "2025-01-14", "NOT_YET_RECRUITING", "RECRUITING"));
  events.push_back(history_status(1, "2025-01-15", "NOT_YET_RECRUITING", "RECRUITING"));
  events.push_back(history_status(3, "2025-02-01", "RECRUITING", "SUSPENDED"));  // not in the list: not told twice
  const Timeline timeline = timeline_of(nct06613490_past(), events, std::nullopt, std::nullopt, k_today);
  CHECK(timeline.periods == k_nct06613490_periods);
}

TEST_CASE("Without past versions the registry's history events and the first change's old status start the story",
          "[timeline]") {
  const std::vector<StoredEvent> events{
      live_status("2026-09-02T09:10:00Z", "ACTIVE_NOT_RECRUITING", "COMPLETED"),
      event(EventType::study_tracked, Provenance::tracking, "2025-05-02T08:00:00Z"),
      history_status(1, "2025-01-14", "NOT_YET_RECRUITING", "RECRUITING"),
      live_status("2026-09-01T09:10:00Z", "RECRUITING", "ACTIVE_NOT_RECRUITING")};  // any order
  const Timeline timeline = timeline_of({}, events, std::nullopt, std::nullopt, k_today);
  // The earliest event is the history change itself: NOT_YET_RECRUITING held no known day and is left out.
  CHECK(timeline.periods == std::vector<StatusPeriod>{{"RECRUITING", "2025-01-14", "2026-09-01"},
                                                      {"ACTIVE_NOT_RECRUITING", "2026-09-01", "2026-09-02"},
                                                      {"COMPLETED", "2026-09-02", "2026-09-10"}});

  const std::vector<StoredEvent> live_only{
      event(EventType::study_tracked, Provenance::tracking, "2025-05-02T08:00:00Z"),
      live_status("2026-09-01T09:10:00Z", "RECRUITING", "ACTIVE_NOT_RECRUITING")};
  CHECK(timeline_of({}, live_only, std::nullopt, std::nullopt, k_today).periods ==
        std::vector<StatusPeriod>{{"RECRUITING", "2025-05-02", "2026-09-01"},
                                  {"ACTIVE_NOT_RECRUITING", "2026-09-01", "2026-09-10"}});
}

TEST_CASE("Before any event the latest facts give one period from their last update to today", "[timeline]") {
  StudyFacts facts;
  facts.nct_id = "NCT06613490";
  facts.overall_status = "RECRUITING";
  facts.last_update_post_date = "2025-04-30";
  const Timeline timeline = timeline_of({}, {}, facts, std::nullopt, "2025-05-02");
  CHECK(timeline.periods == std::vector<StatusPeriod>{{"RECRUITING", "2025-04-30", "2025-05-02"}});
  CHECK(timeline.first_day == "2025-04-30");

  const Timeline nothing = timeline_of({}, {}, std::nullopt, std::nullopt, "2025-05-02");
  CHECK(nothing.periods.empty());
  CHECK(nothing.marks.empty());
  CHECK(timeline_svg(nothing).empty());
}

TEST_CASE("A status taken today is a period from today to today and same-day versions keep the last status",
          "[timeline]") {
  const std::vector<PastVersion> versions{past(0, "2024-10-09", "NOT_YET_RECRUITING"),
                                          past(1, "2024-10-09", "RECRUITING"), past(2, "2025-01-14", "RECRUITING")};
  const std::vector<StoredEvent> events{live_status("2026-09-10T07:00:00Z", "RECRUITING", "SUSPENDED")};
  CHECK(
      timeline_of(versions, events, std::nullopt, std::nullopt, k_today).periods ==
      std::vector<StatusPeriod>{{"RECRUITING", "2024-10-09", "2026-09-10"}, {"SUSPENDED", "2026-09-10", "2026-09-10"}});
}

TEST_CASE("Completion slips, enrollment changes, results and the due date become marks in date order", "[timeline]") {
  std::vector<StoredEvent> events = nct06613490_events();
  events.push_back(dates_changed("2026-02-10T09:00:00Z", "completionDateStruct",
                                 R"({"date":"2026-03","type":"ESTIMATED"})",
                                 R"({"date":"2026-10-20","type":"ESTIMATED"})"));
  events.push_back(dates_changed("2026-09-02T09:10:00Z", "completionDateStruct",
                                 R"({"date":"2026-10-20","type":"ESTIMATED"})",
                                 R"({"date":"2026-08-28","type":"ACTUAL"})"));
  // Not slips: a refinement, a type that became ACTUAL on the same date, the start date.
  events.push_back(dates_changed("2025-06-01T09:00:00Z", "primaryCompletionDateStruct",
                                 R"({"date":"2026-08","type":"ESTIMATED"})",
                                 R"({"date":"2026-08-28","type":"ESTIMATED"})"));
  events.push_back(dates_changed("2026-09-03T09:00:00Z", "primaryCompletionDateStruct",
                                 R"({"date":"2026-08-28","type":"ESTIMATED"})",
                                 R"({"date":"2026-08-28","type":"ACTUAL"})"));
  events.push_back(dates_changed("2025-06-01T09:00:00Z", "startDateStruct",
                                 R"({"date":"2025-05-20","type":"ESTIMATED"})",
                                 R"({"date":"2025-06-01","type":"ACTUAL"})"));
  events.push_back(event(EventType::enrollment_changed, Provenance::sponsor_update, "2026-09-02T09:10:00Z",
                         "protocolSection.designModule.enrollmentInfo", R"({"count":24,"type":"ESTIMATED"})",
                         R"({"count":18,"type":"ACTUAL"})"));
  events.push_back(event(EventType::results_submitted, Provenance::sponsor_update, "2026-09-04T09:10:00Z",
                         "protocolSection.statusModule.resultsFirstSubmitDate", {}, "\"2026-09-03\""));
  StudyFacts facts;
  facts.overall_status = "COMPLETED";
  facts.last_update_post_date = "2026-09-04";
  facts.results_first_submit_date = "2026-09-03";
  facts.results_first_post_date = "2026-09-04";  // no results_posted event: the facts tell it
  ResultsDue due;
  due.state = ResultsState::posted;
  due.due_date = "2027-08-28";

  const Timeline timeline = timeline_of(nct06613490_past(), events, facts, due, k_today);
  CHECK(timeline.marks ==
        std::vector<TimelineMark>{{Kind::completion_slip, "2026-02-10", "completion 2026-03 → 2026-10-20"},
                                  {Kind::completion_slip, "2026-09-02", "completion 2026-10-20 → 2026-08-28"},
                                  {Kind::enrollment, "2026-09-02", "enrollment 24 (ESTIMATED) → 18 (ACTUAL)"},
                                  {Kind::results_submitted, "2026-09-03", "results submitted"},
                                  {Kind::results_posted, "2026-09-04", "results posted"},
                                  {Kind::results_due, "2027-08-28", "results due (posted)"}});
  // The due date lies in the future: the right edge moves, today does not, and the last period still ends today.
  CHECK(timeline.today == k_today);
  CHECK(timeline.last_day == "2027-08-28");
  CHECK(timeline.periods.back().to == k_today);
}

TEST_CASE("A passed due date without results is an overdue mark and an estimated one is expected", "[timeline]") {
  ResultsDue overdue;
  overdue.state = ResultsState::overdue;
  overdue.due_date = "2026-08-28";
  overdue.days_left = -13;
  const auto marks = timeline_of(nct06613490_past(), {}, std::nullopt, overdue, k_today).marks;
  CHECK(marks == std::vector<TimelineMark>{
                     {Kind::results_overdue, "2026-08-28", "results overdue: due on this day, none submitted"}});

  ResultsDue expected;
  expected.state = ResultsState::not_due;
  expected.due_date = "2027-10-20";
  expected.estimated = true;
  CHECK(timeline_of(nct06613490_past(), {}, std::nullopt, expected, k_today).marks ==
        std::vector<TimelineMark>{
            {Kind::results_due, "2027-10-20", "results expected to be due (estimated completion)"}});

  ResultsDue nothing_owed;  // withdrawn: no date, no mark
  CHECK(timeline_of(nct06613490_past(), {}, std::nullopt, nothing_owed, k_today).marks.empty());
}

TEST_CASE("Partial dates are drawn on the last day of their month or year", "[timeline]") {
  StudyFacts facts;
  facts.overall_status = "COMPLETED";
  facts.results_first_submit_date = "2026-02";
  facts.results_first_post_date = "2026";
  const std::vector<StoredEvent> events{event(EventType::enrollment_changed, Provenance::registry_history, "",
                                              "protocolSection.designModule.enrollmentInfo", R"({"count":99999999})",
                                              R"({"count":24,"type":"ESTIMATED"})")};
  auto with_partial_posting = events;
  with_partial_posting.front().posted_date = "2024-10";
  const Timeline timeline = timeline_of({}, with_partial_posting, facts, std::nullopt, k_today);
  CHECK(timeline.marks ==
        std::vector<TimelineMark>{{Kind::enrollment, "2024-10-31", "enrollment unknown → 24 (ESTIMATED)"},
                                  {Kind::results_submitted, "2026-02-28", "results submitted in 2026-02"},
                                  {Kind::results_posted, "2026-12-31", "results posted in 2026"}});
  CHECK(timeline.first_day == "2024-10-31");
  CHECK(timeline.last_day == "2026-12-31");
  // The study's one period starts where its first (partially dated) event is drawn.
  CHECK(timeline.periods == std::vector<StatusPeriod>{{"COMPLETED", "2024-10-31", "2026-09-10"}});
}

TEST_CASE("A date that is not a registry date leaves its event out", "[timeline]") {
  auto bad = live_status("yesterday", "RECRUITING", "COMPLETED");
  auto submitted = event(EventType::results_submitted, Provenance::sponsor_update, "2026-09-04T09:10:00Z", {}, {},
                         "\"soon\"");  // the event's own day is used instead
  const Timeline timeline = timeline_of(nct06613490_past(), {bad, submitted}, std::nullopt, std::nullopt, k_today);
  CHECK(timeline.periods.back().status == "RECRUITING");
  CHECK(timeline.marks == std::vector<TimelineMark>{{Kind::results_submitted, "2026-09-04", "results submitted"}});
}

TEST_CASE("The SVG draws one band per period with its status and days and one mark per mark", "[timeline]") {
  auto events = nct06613490_events();
  events.push_back(
      event(EventType::results_posted, Provenance::sponsor_update, "2026-09-05T09:10:00Z", {}, {}, "\"2026-09-04\""));
  ResultsDue due;
  due.state = ResultsState::posted;
  due.due_date = "2027-08-28";
  const Timeline timeline = timeline_of(nct06613490_past(), events, std::nullopt, due, k_today);
  const std::string svg = timeline_svg(timeline);

  CHECK(svg.starts_with("<svg "));
  CHECK(svg.ends_with("</svg>"));
  CHECK(well_nested(svg));
  CHECK(svg.find("viewBox=\"0 0 800.0 ") != std::string::npos);
  CHECK(svg.find("width=\"100%\"") != std::string::npos);
  CHECK(svg.find("role=\"img\"") != std::string::npos);
  CHECK(svg.find("aria-labelledby=\"timeline-title\"") != std::string::npos);
  CHECK(svg.find("<title id=\"timeline-title\">Timeline of the study</title>") != std::string::npos);
  CHECK(count(svg, "<desc id=\"timeline-desc\">") == 1);

  const std::vector<std::vector<std::string>> expected{{"NOT_YET_RECRUITING", "2024-10-09", "2025-01-14"},
                                                       {"RECRUITING", "2025-01-14", "2026-09-01"},
                                                       {"ACTIVE_NOT_RECRUITING", "2026-09-01", "2026-09-02"},
                                                       {"COMPLETED", "2026-09-02", "2026-09-10"}};
  CHECK(bands(svg) == expected);
  CHECK(svg.find("class=\"band status-recruiting\"") != std::string::npos);
  CHECK(svg.find("class=\"band status-active_not_recruiting\"") != std::string::npos);
  // Recruiting lasted 20 months: wide enough for its label; active, not recruiting lasted one day.
  CHECK(svg.find(">Recruiting</text>") != std::string::npos);
  CHECK(svg.find(">Active not recruiting</text>") == std::string::npos);

  CHECK(count(svg, "class=\"mark ") == 2);
  CHECK(svg.find("class=\"mark mark-results_posted\" data-date=\"2026-09-04\"><title>2026-09-04: results "
                 "posted</title>") != std::string::npos);
  CHECK(svg.find("class=\"mark mark-results_due\" data-date=\"2027-08-28\"") != std::string::npos);
  CHECK(count(svg, "<g class=\"today\">") == 1);
  CHECK(svg.find("<title>today, 2026-09-10</title>") != std::string::npos);
  CHECK(svg.find(">2025</text>") != std::string::npos);  // the year axis
  CHECK(svg.find(">2027</text>") != std::string::npos);

  // The text alternative tells every period and mark.
  const auto desc_start = svg.find("<desc");
  const std::string desc = svg.substr(desc_start, svg.find("</desc>") - desc_start);
  CHECK(desc.find("Not yet recruiting from 2024-10-09 to 2025-01-14") != std::string::npos);
  CHECK(desc.find("Recruiting from 2025-01-14 to 2026-09-01") != std::string::npos);
  CHECK(desc.find("Active not recruiting from 2026-09-01 to 2026-09-02") != std::string::npos);
  CHECK(desc.find("Completed from 2026-09-02 to today (2026-09-10)") != std::string::npos);
  CHECK(desc.find("2026-09-04: results posted") != std::string::npos);
  CHECK(desc.find("2027-08-28: results due (posted)") != std::string::npos);
}

TEST_CASE("Registry text in the SVG is escaped everywhere and the SVG has no script or inline style", "[timeline]") {
  const std::string hostile = R"(<script>alert(1)</script>" onload="x" & 'y')";
  Timeline timeline;
  timeline.periods = {{"RECRUITING", "2024-10-09", "2025-06-01"}, {hostile, "2025-06-01", "2026-09-10"}};
  timeline.marks = {{Kind::completion_slip, "2025-03-02", "primary completion " + hostile}};
  timeline.first_day = "2024-10-09";
  timeline.today = "2026-09-10";
  timeline.last_day = "2026-09-10";
  const std::string svg = timeline_svg(timeline);

  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("style=") == std::string::npos);
  CHECK(svg.find("onload=\"") == std::string::npos);
  CHECK(svg.find("alert(1)</") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x&quot; &amp; &#39;y&#39;") !=
        std::string::npos);
  CHECK(well_nested(svg));
  // The raw status, escaped, in data-status; the class made of safe characters only.
  const auto drawn = bands(svg);
  REQUIRE(drawn.size() == 2);
  CHECK(drawn[1][0] == "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x&quot; &amp; &#39;y&#39;");
  CHECK(svg.find("class=\"band status--script-alert-1---script---") != std::string::npos);
  CHECK(count(svg, "class=\"mark mark-completion_slip\" data-date=\"2025-03-02\"") == 1);
}

TEST_CASE("The stylesheet colours every usual status in light and dark schemes and the fallback band", "[timeline]") {
  const std::string css(trialwatch::web::k_timeline_css);
  const auto dark = css.find("@media (prefers-color-scheme: dark)");
  REQUIRE(dark != std::string::npos);
  for (const std::string status :
       {"not_yet_recruiting", "recruiting", "enrolling_by_invitation", "active_not_recruiting", "suspended",
        "terminated", "completed", "withdrawn", "unknown"}) {
    const std::string rule = ".band.status-" + status + " {";
    CAPTURE(status);
    CHECK(css.find(rule) < dark);
    CHECK(css.find(rule, dark) != std::string::npos);
  }
  CHECK(css.find(".timeline .band {") < dark);
  CHECK(css.find(".timeline .band {", dark) != std::string::npos);
  for (const std::string kind :
       {"completion_slip", "enrollment", "results_submitted", "results_posted", "results_due", "results_overdue"})
    CHECK(count(css, ".mark-" + kind + " {") == 2);
}
