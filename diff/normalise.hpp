// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace trialwatch::diff {

// A study document reduced to what can change meaningfully: one canonical text and its hash. Two fetches of an
// unchanged study give the same hash whatever the registry's formatting or export date (versionHolder).
struct NormalisedStudy {
  // The document minified, object keys in document order, strings re-escaped minimally, numbers in shortest
  // round-trip form, and derivedSection.miscInfoModule.versionHolder removed.
  std::string canonical;
  // 32 lowercase hex digits: two independent 64-bit hashes of `canonical`. For change detection, not security.
  std::string hash;

  friend bool operator==(const NormalisedStudy&, const NormalisedStudy&) = default;
};

// The largest study document normalise() accepts; the biggest real records are a few MB.
inline constexpr std::size_t k_max_study_bytes = 64 * 1024 * 1024;

// Normalise the study document `study_json` (a JSON object); fail with bad_response if it is not valid JSON, not an
// object, or larger than k_max_study_bytes.
core::Result<NormalisedStudy> normalise(std::string_view study_json);

// Return the 32-hex-digit hash normalise() uses, of arbitrary `bytes`.
std::string hash128_hex(std::string_view bytes);

}  // namespace trialwatch::diff
