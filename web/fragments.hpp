// SPDX-License-Identifier: MIT
// Pieces of HTML more than one page shows, each escaping what it is given.
#pragma once

#include "diff/results_due.hpp"
#include "store/stored_event.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace trialwatch::web {

// Return a study's results state as a badge: "overdue 43 days", "due 2027-10-20", "due ~2027-10-20" (expected),
// "submitted", "posted"; "no date" without a due date; "not read yet" for none (`due` null).
std::string results_badge(const diff::ResultsDue* due);

// Return what an event changed in words: "RECRUITING → ACTIVE_NOT_RECRUITING" for a status, else its summary.
std::string change_text(const store::StoredEvent& event);

// Return the link to a study's page, its NCT ID as the text.
std::string study_anchor(std::string_view nct_id);

// Return the day an event happened on the study's timeline: a past version's posted date, else the day it was seen.
std::string event_day(const store::StoredEvent& event);

// Return a <time> element of a stored UTC time, shown relative to `now` ("3 days ago"), the exact time as its title.
std::string time_ago(const std::string& rfc3339, std::chrono::system_clock::time_point now);

}  // namespace trialwatch::web
