// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace trialwatch::diff {

// A study document reduced to what can change meaningfully: one canonical text and its hash. Two fetches of an
// unchanged study give the same hash whatever the white space or export date (versionHolder).
struct NormalisedStudy {
  // The document minified (white space outside strings removed, everything else byte for byte) with its
  // derivedSection.miscInfoModule.versionHolder member removed.
  std::string canonical;
  // 32 lowercase hex digits: MurmurHash3 x64-128 of `canonical`. For change detection, not security.
  std::string hash;

  friend bool operator==(const NormalisedStudy&, const NormalisedStudy&) = default;
};

// The largest study document normalise() accepts; the biggest real records are a few MB.
inline constexpr std::size_t k_max_study_bytes = 64 * 1024 * 1024;

// Normalise the study document `study_json`, a JSON object the caller has parsed already (the sync cycle reads
// every document strictly with read_study_facts first). This runs at memory speed and does not re-validate the
// structure; it fails with unreadable for what it does see: not an object, an unterminated string or invalid
// UTF-8, more than k_max_study_bytes. Documents that differ only in how a string or number is spelled (escapes)
// hash differently; the diff then finds no change and nothing is recorded.
core::Result<NormalisedStudy> normalise(std::string_view study_json);

// normalise() for many documents in turn: one work buffer that only grows, so a document costs no allocation of
// its size (what the sync cycle does to every study it fetches).
class Normaliser {
 public:
  // Return the hash normalise(study_json) gives, or the same error; the canonical text stays here until the next call.
  core::Result<std::string> hash(std::string_view study_json);
  // The canonical text of the last successful hash().
  std::string_view canonical() const noexcept { return {m_buffer.data(), m_length}; }

 private:
  std::string m_buffer;
  std::size_t m_length = 0;
};

// Return MurmurHash3 x64-128 (seed 0) of `bytes` as 32 lowercase hex digits, h1 then h2.
std::string hash128_hex(std::string_view bytes);

}  // namespace trialwatch::diff
