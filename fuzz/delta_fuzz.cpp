// SPDX-License-Identifier: MIT
// Fuzz the delta encoding of stored versions with pairs of texts "previous\x1enew": every copy CopyFinder reports
// must repeat the previous text exactly, and the frame VersionCodec makes must decode to the new text.

#include "store/detail/delta_copies.hpp"
#include "store/detail/version_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

using trialwatch::store::detail::CopyFinder;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Reused, as the store does: an index or buffer must not carry anything into the next input.
  static CopyFinder finder;
  static trialwatch::store::detail::VersionCodec codec;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto separator = input.find('\x1e');
  const std::string_view previous = input.substr(0, separator);
  const std::string_view next = separator == std::string_view::npos ? previous : input.substr(separator + 1);

  std::size_t at = 0;
  for (const auto& copy : finder.find(previous, next)) {
    at += copy.literals;
    const std::size_t from = previous.size() + at - copy.distance;
    if (copy.length < CopyFinder::k_min_copy || copy.distance > previous.size() + at ||
        from + copy.length > previous.size() || at + copy.length > next.size() ||
        std::memcmp(previous.data() + from, next.data() + at, copy.length) != 0)
      std::abort();
    at += copy.length;
  }
  const std::string frame = codec.encode(next, previous);
  if (codec.decode(frame, previous, "the fuzzed version") != next) std::abort();
  return 0;
}
