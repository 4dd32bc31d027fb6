// SPDX-License-Identifier: MIT
// Reading the answers of the registry website's history endpoints (outside API v2, undocumented, reshaped with
// each site redesign): every shape is checked before it is trusted. docs/sync.md "The registry's history".
#pragma once

#include "core/nct_id.hpp"
#include "core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::diff {

// One past version of a study as the history list names it.
struct RegistryVersion {
  int version = 0;                         // the registry's version number, 0 for the first one posted
  std::string date;                        // the day it was posted, YYYY-MM-DD
  std::string status;                      // its overallStatus, e.g. "RECRUITING"
  std::vector<std::string> module_labels;  // the modules it changed, e.g. "Study Status"; empty when not given

  friend bool operator==(const RegistryVersion&, const RegistryVersion&) = default;
};

// Read the past versions from a `GET {base}/studies/{NCT}?history=true` answer `json`, ordered by version (an
// empty history is an empty list). Fails with unreadable when `json` is not JSON, and with bad_response and one
// sentence naming what was unexpected unless history.changes is an array of objects each with a unique
// non-negative integer version, a valid YYYY-MM-DD date, a non-empty status text and, when present, moduleLabels
// as an array of texts.
core::Result<std::vector<RegistryVersion>> read_history_list(std::string_view json);

// One past version's document, as a `/history/{n}` answer carries it.
struct RegistryVersionDocument {
  std::string_view study_json;  // the bytes of its "study" object exactly as received: a view into the answer
  core::NctId nct_id;           // its protocolSection.identificationModule.nctId, for the caller to check
};

// Read a `GET {base}/studies/{NCT}/history/{n}` answer `json`: check that studyVersion is `expected_version` and
// that study is an object with a valid nctId, and return the study's bytes as received (for storage; compare
// them through comparable_form()). Fails with unreadable when `json` is not JSON, with bad_response and one
// sentence otherwise.
core::Result<RegistryVersionDocument> read_history_version(std::string_view json, int expected_version);

}  // namespace trialwatch::diff
