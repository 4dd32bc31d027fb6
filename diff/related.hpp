// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trialwatch::diff {

// What related-trial discovery compares between two studies, read from a full document or a projection of
// k_profile_fields (absent parts stay empty).
struct StudyProfile {
  std::string nct_id;
  std::string title;
  std::vector<std::string> conditions;          // as registered, e.g. "Rheumatoid Arthritis"
  std::vector<std::string> condition_meshes;    // derived MeSH terms of the conditions
  std::vector<std::string> interventions;       // names and other names
  std::vector<std::string> intervention_types;  // BIOLOGICAL, DRUG, ...
  std::vector<std::string> intervention_terms;  // distinctive terms of the names: CAR, CD19, NK, GC012F, ...
  std::vector<std::string> phases;
  std::string lead_sponsor;
  std::vector<std::string> secondary_ids;  // EudraCT, EU CT, grant and other registry numbers
};

// Read the profile of the study JSON `json`; fail with unreadable when it is not a JSON object.
core::Result<StudyProfile> read_profile(std::string_view json);

// The registry fields a candidate's profile needs (a `fields=` projection of piece names).
inline constexpr const char* k_profile_fields =
    "NCTId,BriefTitle,Condition,ConditionMeshTerm,InterventionName,InterventionOtherName,InterventionType,Phase,"
    "LeadSponsorName,SecondaryId";

// Studies read per candidate query: one page, the most relevant first.
inline constexpr int k_candidates_per_query = 100;

// One registry search that may find trials related to a study: query parameters in order, e.g.
// {{"query.cond", "\"Rheumatoid Arthritis\""}}. Never bare NCT IDs (the registry would ignore its filters).
using CandidateQuery = std::vector<std::pair<std::string, std::string>>;

// Return the searches that look for trials related to `subject`, most specific first: its conditions with its
// intervention terms, its conditions, its intervention terms, its lead sponsor, its secondary IDs (those it has).
std::vector<CandidateQuery> candidate_queries(const StudyProfile& subject);

// How related a candidate is to a study, and why.
struct Relatedness {
  int score = 0;
  std::vector<std::string> reasons;  // e.g. "shares condition Rheumatoid Arthritis", "both BIOLOGICAL"
};

// Score `candidate` against `subject` by what they share: conditions and their MeSH terms, interventions and their
// distinctive terms, intervention types, phases, lead sponsor, secondary IDs (weights in docs/discovery.md).
Relatedness relatedness(const StudyProfile& subject, const StudyProfile& candidate);

// A candidate scoring below this shares too little to be suggested (a shared condition alone reaches it).
inline constexpr int k_min_related_score = 5;

}  // namespace trialwatch::diff
