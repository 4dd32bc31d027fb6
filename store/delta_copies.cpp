// SPDX-License-Identifier: MIT
#include "store/detail/delta_copies.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

namespace trialwatch::store::detail {

namespace {

std::uint64_t load64(const char* p) {
  std::uint64_t value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

// The index slot of the eight bytes `word` (Fibonacci hashing into 2^bits slots).
std::size_t slot_of(std::uint64_t word, int bits) {
  return static_cast<std::size_t>((word * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

// How many bytes at `a` and `b` are equal, looking at no more than `limit`.
std::size_t common_length(const char* a, const char* b, std::size_t limit) {
  std::size_t n = 0;
  while (n + 8 <= limit) {
    if (const std::uint64_t differ = load64(a + n) ^ load64(b + n))
      return n + static_cast<std::size_t>(std::countr_zero(differ) / 8);
    n += 8;
  }
  while (n < limit && a[n] == b[n]) ++n;
  return n;
}

}  // namespace

const std::vector<Copy>& CopyFinder::find(std::string_view reference, std::string_view target) {
  m_copies.clear();
  const std::size_t ref_size = reference.size();
  const std::size_t size = target.size();
  if (ref_size < 8 || size < k_min_copy) return m_copies;
  const char* const ref = reference.data();
  const char* const text = target.data();

  // Index the reference every 8 bytes: a repeat of 15 bytes or more always covers one indexed position.
  int bits = 8;
  while (bits < 26 && (std::size_t{1} << bits) < ref_size / 8) ++bits;
  m_index.assign(std::size_t{1} << bits, 0);
  for (std::size_t at = 0; at + 8 <= ref_size; at += 8)
    m_index[slot_of(load64(ref + at), bits)] = static_cast<std::uint32_t>(at + 1);

  std::size_t at = 0;             // where the target is read
  std::size_t literal_start = 0;  // the first target byte no copy covers yet
  std::ptrdiff_t shift = 0;       // reference position minus target position of the last copy
  while (at + 8 <= size) {
    const std::uint64_t word = load64(text + at);
    std::size_t from = 0;
    std::size_t length = 0;
    // First where the last copy points (an edit rarely moves what follows it), then wherever the index points.
    const std::ptrdiff_t expected = static_cast<std::ptrdiff_t>(at) + shift;
    if (expected >= 0 && static_cast<std::size_t>(expected) + 8 <= ref_size && load64(ref + expected) == word) {
      from = static_cast<std::size_t>(expected);
      length = common_length(ref + from, text + at, std::min(ref_size - from, size - at));
    }
    if (length < k_min_copy) {
      if (const std::uint32_t entry = m_index[slot_of(word, bits)]; entry != 0 && load64(ref + entry - 1) == word) {
        const std::size_t candidate = entry - 1;
        const std::size_t found = common_length(ref + candidate, text + at, std::min(ref_size - candidate, size - at));
        if (found > length) {
          from = candidate;
          length = found;
        }
      }
    }
    if (length < k_min_copy) {
      ++at;
      continue;
    }
    // Grow the copy backwards over the literals before it.
    while (at > literal_start && from > 0 && ref[from - 1] == text[at - 1]) {
      --at;
      --from;
      ++length;
    }
    m_copies.push_back(Copy{static_cast<std::uint32_t>(at - literal_start), static_cast<std::uint32_t>(length),
                            static_cast<std::uint32_t>(ref_size + at - from)});
    shift = static_cast<std::ptrdiff_t>(from) - static_cast<std::ptrdiff_t>(at);
    at += length;
    literal_start = at;
  }
  return m_copies;
}

}  // namespace trialwatch::store::detail
