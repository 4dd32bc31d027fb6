// SPDX-License-Identifier: MIT
// Internal to store/: where a new version of a document repeats its previous version, found without indexing every
// byte of it, so a delta frame costs little more than reading both texts. Knows nothing of zstd.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace trialwatch::store::detail {

// `literals` new bytes of the target, then `length` bytes copied from `distance` bytes back in the text made of the
// reference followed by the target (a zstd sequence with a raw offset).
struct Copy {
  std::uint32_t literals;
  std::uint32_t length;
  std::uint32_t distance;
};

// Finds the copies that rebuild a target from a reference. Keeps its index between calls (it only grows).
class CopyFinder {
 public:
  // The shortest copy reported: shorter repeats stay literals.
  static constexpr std::uint32_t k_min_copy = 16;

  // Return the copies that rebuild `target` (the bytes after the last copy are literals) from `reference`. Every
  // copy has a length of at least k_min_copy; both texts must be shorter than 2 GiB.
  const std::vector<Copy>& find(std::string_view reference, std::string_view target);

 private:
  std::vector<std::uint32_t> m_index;  // hash of 8 bytes at an 8-byte-aligned reference position -> position + 1
  std::vector<Copy> m_copies;
};

}  // namespace trialwatch::store::detail
