// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "core/result.hpp"
#include "diff/study_facts.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace trialwatch::diff {

// Compares two versions of a study document field by field: objects by key, arrays of records by identity key
// (identity_keys.hpp), set-like arrays as sets, everything else by position; versionHolder is ignored.
// Paths name records by key, e.g. protocolSection.contactsLocationsModule.locations[Mayo Clinic, Rochester,
// Minnesota, United States].city. Keeps its parsers between calls, so reuse one differ for many studies.
class StudyDiffer {
 public:
  StudyDiffer();
  ~StudyDiffer();
  StudyDiffer(const StudyDiffer&) = delete;
  StudyDiffer& operator=(const StudyDiffer&) = delete;

  // Return the changes that turn `before` into `after` (JSON texts), or an error if either is not JSON.
  core::Result<std::vector<core::FieldChange>> diff(std::string_view before, std::string_view after);

  // What compare() finds: the changes, and the facts of both versions read from the same parse.
  struct Comparison {
    std::vector<core::FieldChange> changes;
    StudyFacts before;
    StudyFacts after;
  };
  // Like diff(), and also read both versions' facts (for classify()) without parsing them again.
  core::Result<Comparison> compare(std::string_view before, std::string_view after);

  // Return what read_study_facts(after) returns, and keep what compare() needs of `after`: a compare() against
  // the same text then does not read it again (one pass over a new document instead of two).
  core::Result<StudyFacts> read(std::string_view after);

 private:
  struct Parsers;
  std::unique_ptr<Parsers> m_parsers;
};

// The path of the field the registry rewrites on every refresh; it never counts as a change.
inline constexpr std::string_view k_version_holder_path = "derivedSection.miscInfoModule.versionHolder";

}  // namespace trialwatch::diff
