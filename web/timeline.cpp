// SPDX-License-Identifier: MIT
#include "web/timeline.hpp"

#include "core/partial_date.hpp"
#include "core/safe_text.hpp"
#include "diff/json_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

namespace trialwatch::web {

namespace {

using core::EventType;
using core::Provenance;
using Kind = TimelineMark::Kind;
using Day = std::chrono::sys_days;

constexpr long long k_unknown_enrollment = 99999999;  // what the registry gives for an unknown enrollment

// ---- Dates ------------------------------------------------------------------------------------------------------

// The day `text` stands for: a full date itself, a partial one its last day ("2026-03" is 2026-03-31, "2026" is
// 2026-12-31, as the results due rule counts them); nothing when it is not a registry date.
std::optional<Day> placed_day(std::string_view text) {
  const auto date = core::PartialDate::parse(text);
  if (!date) return std::nullopt;
  const std::chrono::year year{date->year()};
  const auto month = std::chrono::month(static_cast<unsigned>(date->month()));
  switch (date->precision()) {
    case core::PartialDate::Precision::year:
      return Day{year / std::chrono::December / 31};
    case core::PartialDate::Precision::month:
      return Day{year / month / std::chrono::last};
    case core::PartialDate::Precision::day:
      break;
  }
  return Day{year / month / std::chrono::day(static_cast<unsigned>(date->day()))};
}

std::string day_text(Day day) {
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

// The day an event happened: the day the registry posted the version it came from when known, else the day it was
// seen.
std::optional<Day> event_day(const store::StoredEvent& event) {
  if (!event.posted_date.empty()) return placed_day(event.posted_date);
  return placed_day(std::string_view(event.detected_at).substr(0, 10));
}

// Return `what` for a thing that happened on the full date `date`, "`what` in 2025-06" when the date is partial.
std::string dated_label(std::string_view what, std::string_view date) {
  const auto parsed = core::PartialDate::parse(date);
  if (parsed && parsed->precision() == core::PartialDate::Precision::day) return std::string(what);
  return fmt::format("{} in {}", what, date);
}

// The member `key` of the flat JSON object `json`, or "" when it has none (or `json` is empty or not one).
std::string member(std::string_view json, const std::string& key) {
  const auto members = diff::flat_json_object(json);
  if (!members) return {};
  const auto it = members->find(key);
  return it == members->end() ? std::string() : it->second;
}

// ---- Status periods ---------------------------------------------------------------------------------------------

// A day from which the study had `status`.
struct StatusPoint {
  Day day;
  std::string status;
};

// Say whether `a` comes before `b` in time: by day, then by when it was seen, then by registry version.
bool event_before(const std::pair<Day, const store::StoredEvent*>& a,
                  const std::pair<Day, const store::StoredEvent*>& b) {
  if (a.first != b.first) return a.first < b.first;
  if (a.second->detected_at != b.second->detected_at) return a.second->detected_at < b.second->detected_at;
  return a.second->registry_version.value_or(0) < b.second->registry_version.value_or(0);
}

// The status_changed events that tell the story beside the past versions, oldest first, with their days.
std::vector<std::pair<Day, const store::StoredEvent*>> status_events(const std::vector<store::StoredEvent>& events,
                                                                     bool have_past) {
  std::vector<std::pair<Day, const store::StoredEvent*>> out;
  for (const auto& event : events) {
    if (event.type != EventType::status_changed) continue;
    if (have_past && event.provenance == Provenance::registry_history) continue;  // the past versions say it
    if (const auto day = event_day(event)) out.emplace_back(*day, &event);
  }
  std::stable_sort(out.begin(), out.end(), event_before);
  return out;
}

// The earliest day anything is known of the study without its past versions: its first event, else the latest
// version's last update.
std::optional<Day> earliest_known(const std::vector<store::StoredEvent>& events,
                                  const std::optional<diff::StudyFacts>& latest) {
  std::optional<Day> earliest;
  for (const auto& event : events)
    if (const auto day = event_day(event); day && (!earliest || *day < *earliest)) earliest = day;
  if (!earliest && latest) earliest = placed_day(latest->last_update_post_date);
  return earliest;
}

std::vector<StatusPoint> status_points(const std::vector<store::PastVersion>& past,
                                       const std::vector<store::StoredEvent>& events,
                                       const std::optional<diff::StudyFacts>& latest) {
  std::vector<StatusPoint> points;
  for (const auto& version : past)
    if (const auto day = placed_day(version.posted_date); day && !version.overall_status.empty())
      points.push_back({*day, version.overall_status});
  const auto changes = status_events(events, !past.empty());
  if (past.empty()) {
    const auto start = earliest_known(events, latest);
    std::string first;
    if (!changes.empty())
      first = diff::json_string_value(changes.front().second->old_json).value_or("");
    else if (latest)
      first = latest->overall_status;
    if (start && !first.empty()) points.push_back({*start, std::move(first)});
  }
  for (const auto& [day, event] : changes)
    if (auto status = diff::json_string_value(event->new_json); status && !status->empty())
      points.push_back({day, std::move(*status)});
  std::stable_sort(points.begin(), points.end(),
                   [](const StatusPoint& a, const StatusPoint& b) { return a.day < b.day; });
  return points;
}

// The runs of one status in `points` (sorted by day): on a day with several statuses the last one counts, and
// neighbouring runs of the same status are one.
std::vector<StatusPoint> status_runs(const std::vector<StatusPoint>& points) {
  std::vector<StatusPoint> runs;
  for (const auto& point : points) {
    if (!runs.empty() && runs.back().day == point.day) {
      runs.back().status = point.status;
      if (runs.size() >= 2 && runs[runs.size() - 2].status == runs.back().status) runs.pop_back();
    } else if (runs.empty() || runs.back().status != point.status) {
      runs.push_back(point);
    }
  }
  return runs;
}

std::vector<StatusPeriod> periods_of(const std::vector<StatusPoint>& runs, std::optional<Day> today) {
  std::vector<StatusPeriod> periods;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Day to = i + 1 < runs.size() ? runs[i + 1].day : std::max(runs[i].day, today.value_or(runs[i].day));
    periods.push_back({runs[i].status, day_text(runs[i].day), day_text(to)});
  }
  return periods;
}

// ---- Marks ------------------------------------------------------------------------------------------------------

// A mark with the day it is drawn on, for sorting.
struct DayMark {
  Day day;
  TimelineMark mark;
};

// The completion date a dates_changed event at `path` is about ("primary completion"), or "" for another date.
std::string_view completion_name(std::string_view path) {
  if (path.ends_with(".primaryCompletionDateStruct")) return "primary completion";
  if (path.ends_with(".completionDateStruct")) return "completion";
  return {};
}

// The label of a completion date's move, or nothing when it did not move (same date, a new type, a refinement).
std::optional<std::string> slip_label(const store::StoredEvent& event) {
  const auto name = completion_name(event.path);
  if (name.empty()) return std::nullopt;
  const std::string before = member(event.old_json, "date");
  const std::string after = member(event.new_json, "date");
  if (before == after) return std::nullopt;
  const auto old_date = core::PartialDate::parse(before);
  const auto new_date = core::PartialDate::parse(after);
  if (old_date && new_date && old_date->is_refined_by(*new_date)) return std::nullopt;
  return fmt::format("{} {} → {}", name, before.empty() ? "none" : before, after.empty() ? "none" : after);
}

// An enrollment as stored, {"count":24,"type":"ESTIMATED"}, in words: "24 (ESTIMATED)", "unknown", "none".
std::string enrollment_words(std::string_view json) {
  const std::string count = member(json, "count");
  if (count.empty()) return "none";
  const std::string type = member(json, "type");
  const std::string number = count == std::to_string(k_unknown_enrollment) ? std::string("unknown") : count;
  return type.empty() ? number : fmt::format("{} ({})", number, type);
}

// The mark of a results event, on the date it names (else the day it was seen).
DayMark results_mark(Kind kind, std::string_view what, const store::StoredEvent& event, Day seen) {
  const std::string date = diff::json_string_value(event.new_json).value_or("");
  if (const auto day = placed_day(date)) return {*day, {kind, day_text(*day), dated_label(what, date)}};
  return {seen, {kind, day_text(seen), std::string(what)}};
}

std::optional<DayMark> event_mark(const store::StoredEvent& event) {
  const auto day = event_day(event);
  if (!day) return std::nullopt;
  switch (event.type) {
    case EventType::dates_changed:
      if (auto label = slip_label(event)) return DayMark{*day, {Kind::completion_slip, day_text(*day), *label}};
      return std::nullopt;
    case EventType::enrollment_changed:
      return DayMark{
          *day,
          {Kind::enrollment, day_text(*day),
           fmt::format("enrollment {} → {}", enrollment_words(event.old_json), enrollment_words(event.new_json))}};
    case EventType::results_submitted:
      return results_mark(Kind::results_submitted, "results submitted", event, *day);
    case EventType::results_posted:
      return results_mark(Kind::results_posted, "results posted", event, *day);
    default:
      return std::nullopt;
  }
}

// The label of the due date's mark: when results are due and where the study stands.
std::string due_label(const diff::ResultsDue& due) {
  switch (due.state) {
    case diff::ResultsState::overdue:
      return "results overdue: due on this day, none submitted";
    case diff::ResultsState::due_soon:
      return due.days_left ? fmt::format("results due in {} days", *due.days_left) : std::string("results due soon");
    case diff::ResultsState::submitted:
      return "results due (submitted)";
    case diff::ResultsState::posted:
      return "results due (posted)";
    case diff::ResultsState::not_due:
      break;
  }
  return due.estimated ? "results expected to be due (estimated completion)" : "results due";
}

std::vector<DayMark> marks_of(const std::vector<store::StoredEvent>& events,
                              const std::optional<diff::StudyFacts>& latest,
                              const std::optional<diff::ResultsDue>& due) {
  std::vector<DayMark> marks;
  for (const auto& event : events)
    if (auto mark = event_mark(event)) marks.push_back(std::move(*mark));
  const auto has = [&](Kind kind) {
    return std::any_of(marks.begin(), marks.end(), [&](const DayMark& m) { return m.mark.kind == kind; });
  };
  const auto from_facts = [&](Kind kind, std::string_view what, const std::string& date) {
    if (has(kind)) return;
    if (const auto day = placed_day(date)) marks.push_back({*day, {kind, day_text(*day), dated_label(what, date)}});
  };
  if (latest) {
    from_facts(Kind::results_submitted, "results submitted", latest->results_first_submit_date);
    from_facts(Kind::results_posted, "results posted", latest->results_first_post_date);
  }
  if (due && !due->due_date.empty())
    if (const auto day = placed_day(due->due_date)) {
      const Kind kind = due->state == diff::ResultsState::overdue ? Kind::results_overdue : Kind::results_due;
      marks.push_back({*day, {kind, day_text(*day), due_label(*due)}});
    }
  std::stable_sort(marks.begin(), marks.end(), [](const DayMark& a, const DayMark& b) { return a.day < b.day; });
  return marks;
}

// ---- Drawing ----------------------------------------------------------------------------------------------------

// The drawing's geometry, in viewBox units.
constexpr double k_width = 800;
constexpr double k_plot_left = 128;  // room for the rows' names
constexpr double k_plot_right = 788;
constexpr double k_band_top = 18;
constexpr double k_band_height = 30;
constexpr double k_min_band_width = 4;
constexpr double k_axis_y = 56;
constexpr double k_first_row = 90;
constexpr double k_row_height = 22;
constexpr double k_char_width = 6.6;  // a generous average at the stylesheet's 11px, to decide what fits

// The row a kind of mark is drawn in, and its name.
struct Row {
  std::string_view name;
  std::vector<Kind> kinds;
};

const std::vector<Row>& rows() {
  static const std::vector<Row> all{{"completion date", {Kind::completion_slip}},
                                    {"enrollment", {Kind::enrollment}},
                                    {"results submitted", {Kind::results_submitted}},
                                    {"results posted", {Kind::results_posted}},
                                    {"results due", {Kind::results_due, Kind::results_overdue}}};
  return all;
}

// Say whether `row` draws `mark`.
bool in_row(const Row& row, const TimelineMark& mark) {
  return std::find(row.kinds.begin(), row.kinds.end(), mark.kind) != row.kinds.end();
}

// Say whether `row` has a mark to draw in `timeline`: rows without one are left out.
bool row_drawn(const Row& row, const Timeline& timeline) {
  return std::any_of(timeline.marks.begin(), timeline.marks.end(),
                     [&](const TimelineMark& mark) { return in_row(row, mark); });
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::completion_slip:
      return "completion_slip";
    case Kind::enrollment:
      return "enrollment";
    case Kind::results_submitted:
      return "results_submitted";
    case Kind::results_posted:
      return "results_posted";
    case Kind::results_due:
      return "results_due";
    case Kind::results_overdue:
      return "results_overdue";
  }
  return "other";
}

// A status as people read it: "NOT_YET_RECRUITING" -> "Not yet recruiting" (still untrusted).
std::string status_words(std::string_view status) {
  std::string out;
  for (const char c : status) {
    if (c == '_')
      out += ' ';
    else if (!out.empty() && c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else
      out += c;
  }
  return out;
}

// A status as a class name: lower case, anything but [a-z0-9_] as '-' ("RECRUITING" -> "recruiting").
std::string status_class(std::string_view status) {
  std::string out;
  for (const char c : status) {
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    out += (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '_' ? lower : '-';
  }
  return out;
}

std::string number(double value) { return fmt::format("{:.1f}", value); }

// Maps days to x between the plot's edges.
class Scale {
 public:
  Scale(Day first, Day last) : m_first(first), m_span(std::max<long>(1, static_cast<long>((last - first).count()))) {}
  double x(Day day) const {
    return k_plot_left +
           static_cast<double>((day - m_first).count()) * (k_plot_right - k_plot_left) / static_cast<double>(m_span);
  }
  double x(const std::string& date) const { return x(placed_day(date).value_or(m_first)); }

 private:
  Day m_first;
  long m_span;
};

// The first and last day drawn: every parseable day of `timeline`.
std::optional<std::pair<Day, Day>> drawn_range(const Timeline& timeline) {
  std::optional<std::pair<Day, Day>> range;
  const auto include = [&](const std::string& date) {
    const auto day = placed_day(date);
    if (!day) return;
    if (!range)
      range = std::pair{*day, *day};
    else
      range = std::pair{std::min(range->first, *day), std::max(range->second, *day)};
  };
  for (const auto& period : timeline.periods) {
    include(period.from);
    include(period.to);
  }
  for (const auto& mark : timeline.marks) include(mark.date);
  include(timeline.first_day);
  include(timeline.today);
  include(timeline.last_day);
  return range;
}

// The text alternative: every period and mark in words.
std::string description(const Timeline& timeline) {
  std::string out;
  if (!timeline.periods.empty()) {
    out += "Status: ";
    for (std::size_t i = 0; i < timeline.periods.size(); ++i) {
      const auto& period = timeline.periods[i];
      if (i > 0) out += "; ";
      out += fmt::format(
          "{} from {} to {}", status_words(period.status), period.from,
          i + 1 == timeline.periods.size() && period.to == timeline.today ? "today (" + period.to + ")" : period.to);
    }
    out += ".";
  }
  if (!timeline.marks.empty()) {
    if (!out.empty()) out += " ";
    out += "Events: ";
    for (std::size_t i = 0; i < timeline.marks.size(); ++i)
      out += fmt::format("{}{}: {}", i > 0 ? "; " : "", timeline.marks[i].date, timeline.marks[i].label);
    out += ".";
  }
  return core::for_html(out);
}

void draw_bands(std::string& out, const Timeline& timeline, const Scale& scale) {
  out += "<g class=\"bands\">";
  double cursor = k_plot_left;  // where the band before ended: a short status pushes the next along, not under it
  for (std::size_t i = 0; i < timeline.periods.size(); ++i) {
    const auto& period = timeline.periods[i];
    const double left = std::max(scale.x(period.from), cursor);
    const double width = std::max(k_min_band_width, scale.x(period.to) - left);  // a day's status still shows
    cursor = left + width;
    const std::string words = status_words(period.status);
    out += fmt::format(
        "<rect class=\"band status-{}\" data-status=\"{}\" data-from=\"{}\" data-to=\"{}\" x=\"{}\" y=\"{}\" "
        "width=\"{}\" height=\"{}\"><title>{}</title></rect>",
        status_class(period.status), core::for_html(period.status), core::for_html(period.from),
        core::for_html(period.to), number(left), number(k_band_top), number(width), number(k_band_height),
        core::for_html(fmt::format("{}: {} to {}", words, period.from, period.to)));
    if (static_cast<double>(words.size()) * k_char_width + 8 <= width)
      out += fmt::format("<text class=\"band-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                         number(left + width / 2), number(k_band_top + k_band_height / 2 + 4), core::for_html(words));
  }
  out += "</g>";
}

void draw_axis(std::string& out, Day first, Day last, const Scale& scale, double bottom) {
  out += fmt::format("<g class=\"axis\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", number(k_plot_left),
                     number(k_axis_y), number(k_plot_right), number(k_axis_y));
  const int first_year = static_cast<int>(std::chrono::year_month_day{first}.year());
  const int last_year = static_cast<int>(std::chrono::year_month_day{last}.year());
  const int years = last_year - first_year + 1;
  int step = 1;
  while (static_cast<double>(years) / step * 44 > k_plot_right - k_plot_left) ++step;
  bool labelled = false;
  const double first_tick = scale.x(Day{std::chrono::year{first_year + 1} / std::chrono::January / 1});
  if (first_tick - k_plot_left > 90) {  // the day the timeline starts, where no year label crowds it
    out += fmt::format("<text class=\"start\" x=\"{}\" y=\"{}\" text-anchor=\"start\">{}</text>", number(k_plot_left),
                       number(k_axis_y + 18), day_text(first));
    labelled = true;
  }
  for (int year = first_year + 1; year <= last_year; ++year) {
    if (year % step != 0) continue;
    const double x = scale.x(Day{std::chrono::year{year} / std::chrono::January / 1});
    out += fmt::format(
        "<line class=\"tick\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/><line class=\"grid\" x1=\"{0}\" "
        "y1=\"{3}\" x2=\"{0}\" y2=\"{4}\"/><text x=\"{0}\" y=\"{5}\" text-anchor=\"middle\">{6}</text>",
        number(x), number(k_axis_y), number(k_axis_y + 6), number(k_band_top), number(bottom), number(k_axis_y + 18),
        year);
    labelled = true;
  }
  if (!labelled)  // a span within one year: say which
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"start\">{}</text>", number(k_plot_left),
                       number(k_axis_y + 18), first_year);
  if (years <= 3)  // short spans: a small tick at each month
    for (auto month = std::chrono::year_month{std::chrono::year_month_day{first}.year(),
                                              std::chrono::year_month_day{first}.month()} +
                      std::chrono::months{1};
         Day{month / 1} <= last; month += std::chrono::months{1})
      if (month.month() != std::chrono::January)
        out += fmt::format("<line class=\"tick minor\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
                           number(scale.x(Day{month / 1})), number(k_axis_y), number(k_axis_y + 3));
  out += "</g>";
}

// The shape of a mark of `kind` centred on (x, y), without its closing tag's content.
std::string mark_shape(Kind kind, double x, double y) {
  switch (kind) {
    case Kind::completion_slip:  // a diamond
      return fmt::format("polygon points=\"{},{} {},{} {},{} {},{}\"", number(x), number(y - 6), number(x + 6),
                         number(y), number(x), number(y + 6), number(x - 6), number(y));
    case Kind::enrollment:  // a circle
      return fmt::format("circle cx=\"{}\" cy=\"{}\" r=\"5\"", number(x), number(y));
    case Kind::results_submitted:  // a triangle pointing up
      return fmt::format("polygon points=\"{},{} {},{} {},{}\"", number(x), number(y - 6), number(x + 6), number(y + 5),
                         number(x - 6), number(y + 5));
    case Kind::results_posted:  // a square
      return fmt::format("rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"", number(x - 5), number(y - 5));
    case Kind::results_due:
    case Kind::results_overdue:  // a triangle pointing down
      return fmt::format("polygon points=\"{},{} {},{} {},{}\"", number(x - 6), number(y - 5), number(x + 6),
                         number(y - 5), number(x), number(y + 6));
  }
  return {};
}

void draw_marks(std::string& out, const Timeline& timeline, const Scale& scale) {
  double y = k_first_row;
  for (const auto& row : rows()) {
    if (!row_drawn(row, timeline)) continue;
    out += fmt::format("<g class=\"row\"><text class=\"row-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                       number(k_plot_left - 10), number(y + 4), row.name);
    for (const auto& mark : timeline.marks) {
      if (!in_row(row, mark)) continue;
      const double x = scale.x(mark.date);
      if (mark.kind == Kind::results_due || mark.kind == Kind::results_overdue)
        out += fmt::format("<line class=\"due-line\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", number(x),
                           number(k_band_top), number(y - 6));
      if (mark.kind == Kind::results_due || mark.kind == Kind::results_overdue) {
        const bool near_right = x > k_plot_right - 80;  // the date goes on the side with room for it
        out += fmt::format("<text class=\"mark-date\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>",
                           number(near_right ? x - 10 : x + 10), number(y + 4), near_right ? "end" : "start",
                           core::for_html(mark.date));
      }
      const std::string shape = mark_shape(mark.kind, x, y);
      out +=
          fmt::format("<{} class=\"mark mark-{}\" data-date=\"{}\"><title>{}</title></{}>", shape, kind_name(mark.kind),
                      core::for_html(mark.date), core::for_html(fmt::format("{}: {}", mark.date, mark.label)),
                      std::string_view(shape).substr(0, shape.find(' ')));
    }
    out += "</g>";
    y += k_row_height;
  }
}

void draw_today(std::string& out, const Timeline& timeline, const Scale& scale, double bottom) {
  const auto today = placed_day(timeline.today);
  if (!today) return;
  const double x = scale.x(*today);
  const bool near_right = x > k_plot_right - 30;
  out += fmt::format(
      "<g class=\"today\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"><title>today, {3}</title></line>"
      "<text x=\"{0}\" y=\"{4}\" text-anchor=\"{5}\">today</text></g>",
      number(x), number(k_band_top - 4), number(bottom), core::for_html(timeline.today), number(k_band_top - 7),
      near_right ? "end" : "middle");
}

}  // namespace

Timeline timeline_of(const std::vector<store::PastVersion>& past, const std::vector<store::StoredEvent>& events,
                     const std::optional<diff::StudyFacts>& latest, const std::optional<diff::ResultsDue>& due,
                     const std::string& today) {
  const auto today_day = placed_day(today);
  const auto runs = status_runs(status_points(past, events, latest));
  const auto marks = marks_of(events, latest, due);

  Timeline timeline;
  timeline.periods = periods_of(runs, today_day);
  std::optional<Day> first = today_day;
  std::optional<Day> last = today_day;
  const auto include = [&](Day day) {
    if (!first || day < *first) first = day;
    if (!last || day > *last) last = day;
  };
  for (const auto& run : runs) include(run.day);
  for (const auto& mark : marks) {
    include(mark.day);
    timeline.marks.push_back(mark.mark);
  }
  if (!timeline.periods.empty()) include(*placed_day(timeline.periods.back().to));
  if (first) timeline.first_day = day_text(*first);
  timeline.today = today_day ? day_text(*today_day) : std::string();
  if (last) timeline.last_day = day_text(*last);
  return timeline;
}

std::string timeline_svg(const Timeline& timeline) {
  if (timeline.periods.empty() && timeline.marks.empty()) return {};
  const auto range = drawn_range(timeline);
  if (!range) return {};
  const Scale scale(range->first, range->second);
  const auto row_count =
      std::count_if(rows().begin(), rows().end(), [&](const Row& row) { return row_drawn(row, timeline); });
  const double bottom = row_count == 0 ? k_axis_y : k_first_row + (static_cast<double>(row_count) - 0.5) * k_row_height;
  const double height = (row_count == 0 ? k_axis_y + 26 : bottom + 6);

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 {} {}\" width=\"100%\" "
      "role=\"img\" aria-labelledby=\"timeline-title\" aria-describedby=\"timeline-desc\">"
      "<title id=\"timeline-title\">Timeline of the study</title><desc id=\"timeline-desc\">{}</desc>",
      number(k_width), number(height), description(timeline));
  draw_axis(out, range->first, range->second, scale, bottom);  // first: its grid lines go under the bands
  draw_bands(out, timeline, scale);
  draw_marks(out, timeline, scale);
  draw_today(out, timeline, scale, bottom);
  out += "</svg>";
  return out;
}

}  // namespace trialwatch::web
