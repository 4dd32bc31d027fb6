// SPDX-License-Identifier: MIT
// Internal to store/: how a study version's exact bytes become the `versions.document` blob and back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::store::detail {

// The zstd level of standalone frames (zstd's default; alone it gives 8-15 % of the JSON of a big record), and the
// level a dictionary for them is tuned for.
inline constexpr int k_standalone_level = 3;

// zstd compression of study versions, alone or against the previous version's bytes as a prefix (a delta: a
// sponsor update of a 77 KB record becomes a frame of a few hundred bytes). Contexts are reused across calls:
// creating one per call costs more than compressing a small study. Not thread-safe.
class VersionCodec {
 public:
  VersionCodec();
  ~VersionCodec();
  VersionCodec(const VersionCodec&) = delete;
  VersionCodec& operator=(const VersionCodec&) = delete;

  // Compress standalone frames with the trained dictionary `dictionary` from now on; each frame names its `id`.
  void compress_with(std::uint32_t id, std::string_view dictionary);
  // The ID of the dictionary standalone frames are compressed with; 0 for none.
  std::uint32_t compression_dictionary() const;
  // Make the dictionary `id` known to decode(), for the frames that name it. Throw StoreError (corrupt) if
  // `dictionary` is not a zstd dictionary with that ID.
  void add_dictionary(std::uint32_t id, std::string_view dictionary);
  // Whether decode() knows the dictionary `id`.
  bool knows_dictionary(std::uint32_t id) const;
  // The ID of the dictionary `frame` was compressed with; 0 for none (a delta, or a frame older than dictionaries).
  static std::uint32_t dictionary_of(std::string_view frame);
  // The ID `dictionary` carries in its header; 0 if it is not a zstd dictionary.
  static std::uint32_t id_of_dictionary(std::string_view dictionary);
  // The size `frame` says it decodes to; nothing if its header does not say or is damaged.
  static std::optional<std::uint64_t> content_size(std::string_view frame);

  // Compress `raw`, against `prefix` when it is not empty (else with the dictionary, if one was given). The frame is
  // decoded again before it is returned, so a frame that would not give back `raw` is never stored. Throw StoreError if
  // zstd fails.
  std::string encode(std::string_view raw, std::string_view prefix);
  // Decompress `frame`, made by encode() with the same `prefix` (and with the dictionary the frame names, which
  // add_dictionary() must have given); `what` names the version in the error thrown (StoreError::Kind::corrupt)
  // when the frame is damaged.
  std::string decode(std::string_view frame, std::string_view prefix, std::string_view what);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> m_contexts;
};

}  // namespace trialwatch::store::detail
