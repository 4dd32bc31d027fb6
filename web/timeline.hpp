// SPDX-License-Identifier: MIT
#pragma once

#include "diff/results_due.hpp"
#include "diff/study_facts.hpp"
#include "store/registry_history.hpp"
#include "store/stored_event.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trialwatch::web {

// A span of time in which a study had one overall status, [from, to) as YYYY-MM-DD (the last one ends today).
struct StatusPeriod {
  std::string status;  // the registry's overallStatus, e.g. RECRUITING
  std::string from;
  std::string to;
};

// A dated point on the timeline: a completion date that slipped, an enrollment change, results, the due date.
struct TimelineMark {
  // What a mark stands for; each kind has its own row and colour in the drawing.
  enum class Kind { completion_slip, enrollment, results_submitted, results_posted, results_due, results_overdue };
  Kind kind;
  std::string date;   // YYYY-MM-DD, where it is drawn; a partial date is drawn on its last day ("2026-03": 03-31)
  std::string label;  // a short untrusted text, e.g. "primary completion 2026-03 → 2026-09" or "enrollment 24"
};

// What the study page draws: the status bands from registration (or first sight) to `today`, and the marks.
struct Timeline {
  std::vector<StatusPeriod> periods;  // oldest first, contiguous
  std::vector<TimelineMark> marks;    // oldest first
  std::string first_day;              // YYYY-MM-DD: the left edge, the earliest day of any period or mark
  std::string today;                  // YYYY-MM-DD: the day drawn as "today", where the last period ends
  std::string last_day;               // YYYY-MM-DD: the right edge, `today` or a later mark (e.g. a due date)
};

// Return the timeline of one study from what the store keeps: its past versions from the registry's list (status
// and posted date each, oldest first), its events (any order; each placed on its posted_date when it has one, else the
// day it was detected), the facts of its latest stored version (none before
// the first sync), what the results due rule says of it today, and today (YYYY-MM-DD). Status periods come from the
// past versions and the status_changed events seen live (registry_history ones are the past versions' own, used only
// without them); a status held for no whole day is left out. Dates that do not parse are left out.
Timeline timeline_of(const std::vector<store::PastVersion>& past, const std::vector<store::StoredEvent>& events,
                     const std::optional<diff::StudyFacts>& latest, const std::optional<diff::ResultsDue>& due,
                     const std::string& today);

// Return `timeline` as an inline <svg> element (role="img", a <title> and a <desc> as its text alternative) with
// every registry text escaped; class names let the page's stylesheet (k_timeline_css, web/timeline_css.hpp) colour
// it: no inline script or style. An empty timeline (no period, no mark) is an empty string: nothing to draw.
std::string timeline_svg(const Timeline& timeline);

}  // namespace trialwatch::web
