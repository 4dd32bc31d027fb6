// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/json.hpp"

#include <string>
#include <string_view>

// Realistic edits of a real study document, as the registry would publish them. Sponsor edits do not move
// lastUpdatePostDate themselves: call bump_last_update() beside them (a registry-side edit must not).
namespace trialwatch::fakeregistry::edits {

// The partial-date fields of the status module that sponsors move.
enum class DateField { start, primary_completion, completion };

// Set protocolSection.statusModule.overallStatus to `status`.
void set_overall_status(Json& study, std::string_view status);

// Publish a new sponsor version posted on `date` (yyyy-MM-dd): lastUpdatePostDateStruct and lastUpdateSubmitDate.
void bump_last_update(Json& study, std::string_view date);

// Set the date struct of `field` to `date` (yyyy, yyyy-MM or yyyy-MM-dd) with `type` (ACTUAL or ESTIMATED).
void set_date(Json& study, DateField field, std::string_view date, std::string_view type);

// Set enrollmentInfo to `count` of `type` (ACTUAL or ESTIMATED).
void set_enrollment(Json& study, long long count, std::string_view type);

// Append a site with `facility`, `city` and `country` (status RECRUITING) to the locations.
void add_location(Json& study, std::string_view facility, std::string_view city, std::string_view country);

// Remove the first location whose facility is `facility`; return whether one was removed.
bool remove_location(Json& study, std::string_view facility);

// Record that results were submitted on `date`: resultsFirstSubmitDate appears and hasResults becomes true
// (the registry computes hasResults from the submission, not from posting).
void submit_results(Json& study, std::string_view date);

// Record that QC returned the submission on `date`: an unposted RESET event appears in the annotation section.
void return_results_in_qc(Json& study, std::string_view date);

// Make results public on `date`: resultsFirstPostDateStruct, resultsFirstSubmitQcDate and `results_section`
// (a real resultsSection taken from a recorded study).
void post_results(Json& study, std::string_view date, const Json& results_section);

// Set derivedSection.miscInfoModule.versionHolder, which the registry rewrites on every refresh.
void set_version_holder(Json& study, std::string_view date);

// Apply a registry-side reprocessing edit with no sponsor update: re-order the derived MeSH lists, re-case
// the first intervention MeSH term, and re-spell the first location's city ("Saint X" -> "St X") or move its
// geo point. Return whether anything changed.
bool reprocess(Json& study);

// Return the study's canonical NCT ID (identificationModule.nctId); throw JsonError if it has none.
const std::string& nct_id_of(const Json& study);

}  // namespace trialwatch::fakeregistry::edits
