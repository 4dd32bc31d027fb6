// SPDX-License-Identifier: MIT
#include "web/fragments.hpp"

#include "report/events.hpp"
#include "report/wording.hpp"
#include "web/html.hpp"
#include <fmt/format.h>

namespace trialwatch::web {

std::string results_badge(const diff::ResultsDue* due) {
  if (due == nullptr) return "<span class=\"badge muted\">not read yet</span>";
  const std::string expected = due->estimated ? "~" : "";
  switch (due->state) {
    case diff::ResultsState::posted:
      return "<span class=\"badge posted\">posted</span>";
    case diff::ResultsState::submitted:
      return "<span class=\"badge submitted\">submitted</span>";
    case diff::ResultsState::overdue: {
      const long days = due->days_left ? -*due->days_left : 0;
      return fmt::format("<span class=\"badge overdue\">overdue {} day{}</span> <span class=\"muted\">due {}</span>",
                         days, days == 1 ? "" : "s", h(due->due_date));
    }
    case diff::ResultsState::due_soon:
      return fmt::format("<span class=\"badge due-soon\">due soon</span> <span class=\"muted\">{}</span>",
                         h(due->due_date));
    case diff::ResultsState::not_due:
      break;
  }
  if (due->due_date.empty()) return "<span class=\"muted\">no date</span>";
  return fmt::format("<span class=\"badge not-due\"{}>due {}{}</span>",
                     due->estimated ? " title=\"expected: the completion date is an estimate\"" : "", expected,
                     h(due->due_date));
}

std::string change_text(const store::StoredEvent& event) {
  std::string words;
  report::append_what_changed(words, event);
  return h(words);
}

std::string study_anchor(std::string_view nct_id) {
  return fmt::format("<a class=\"nct\" href=\"/study/{}\">{}</a>", h(nct_id), h(nct_id));
}

std::string event_day(const store::StoredEvent& event) {
  return event.posted_date.empty() ? event.detected_at.substr(0, 10) : event.posted_date;
}

std::string time_ago(const std::string& rfc3339, std::chrono::system_clock::time_point now) {
  return fmt::format("<time datetime=\"{}\" title=\"{}\">{}</time>", h(rfc3339), h(rfc3339),
                     h(report::ago(rfc3339, now)));
}

}  // namespace trialwatch::web
