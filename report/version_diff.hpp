// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "core/nct_id.hpp"
#include "store/queries.hpp"

#include "report/bad_parameter.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::report {

// A version as people name it: N, a version seen live (1 on), or rN, the registry's past version N (0 on).
struct VersionName {
  bool past = false;
  int number = 0;
  friend bool operator==(const VersionName&, const VersionName&) = default;
};

// Return `text` ("3", "r0") as a version name, or nothing when it is neither.
std::optional<VersionName> parse_version_name(std::string_view text);

// Return a version's name as people type it: "3", or "r0" for the registry's past version 0.
std::string version_label(const VersionName& version);

// Return "only version 1" or "versions 1 to 5": the versions seen live of a study whose last is `last`.
std::string version_range(int last);

// Return the stored versions of `id`, oldest first; throw BadParameter when there is none.
std::vector<store::VersionInfo> versions_or_fail(const store::Queries& queries, const core::NctId& id);

// Return the exact bytes of the registry's past version `number` of `id`; throw BadParameter with a sentence saying
// why there are none.
std::string past_document(store::Database& db, const core::NctId& id, int number);

// The field changes between two versions of a study.
struct VersionDiff {
  VersionName older;
  VersionName newer;
  std::vector<core::FieldChange> changes;
};

// Return the changes of `id` from `from` to `to` (`diff --from --to`; none given: the last version against the one
// before). Consecutive live versions give what was recorded when the later was stored; a past version is compared in
// comparable form, so the website's formatting against API v2's is no change. Throw BadParameter for versions that
// do not exist or are in the wrong order, store::StoreError when the store cannot be read.
VersionDiff version_diff(store::Database& db, const core::NctId& id, std::optional<VersionName> from,
                         std::optional<VersionName> to);

// Return the document of `diff --json`, then a newline.
std::string version_diff_json(const core::NctId& id, const VersionDiff& found);

}  // namespace trialwatch::report
