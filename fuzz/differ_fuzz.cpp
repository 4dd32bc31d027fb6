// SPDX-License-Identifier: MIT
// Fuzz the differ with pairs of documents, as the sync cycle calls it (read() of the new version, then compare()
// against the stored one, then classify()). The input is "before\x1eafter". An error is fine, a crash is not; and a
// document compared with itself has no changes.

#include "diff/classify.hpp"
#include "diff/json_diff.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static trialwatch::diff::StudyDiffer differ;  // reused, as the cycle does: its buffers must not leak between calls
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto separator = input.find('\x1e');
  const std::string_view before = input.substr(0, separator);
  const std::string_view after = separator == std::string_view::npos ? before : input.substr(separator + 1);
  (void)differ.read(after);
  if (const auto comparison = differ.compare(before, after))
    (void)trialwatch::diff::classify(comparison->changes, comparison->before, comparison->after);
  if (const auto same = differ.diff(after, after); same && !same->empty()) std::abort();
  return 0;
}
