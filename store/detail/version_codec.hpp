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

// zstd compression of study versions, alone or against the previous version's bytes as a prefix (a delta: a
// sponsor update is a small frame), through zstd's stable API only. Frames that schema 7 compressed with a trained
// dictionary are decoded (add_dictionary()); none is written.
// Contexts are reused across calls: creating one per call costs more than compressing a small study. Not thread-safe.
class VersionCodec {
 public:
  VersionCodec();
  ~VersionCodec();
  VersionCodec(const VersionCodec&) = delete;
  VersionCodec& operator=(const VersionCodec&) = delete;

  // Make the dictionary `id` known to decode(), for the frames that name it. Throw StoreError (corrupt) if
  // `dictionary` is not a zstd dictionary with that ID.
  void add_dictionary(std::uint32_t id, std::string_view dictionary);
  // Whether decode() knows the dictionary `id`.
  bool knows_dictionary(std::uint32_t id) const;
  // The ID of the dictionary `frame` was compressed with; 0 for none (every frame but schema 7's standalone ones).
  static std::uint32_t dictionary_of(std::string_view frame);

  // Compress `raw`, against `prefix` when it is not empty. The frame is decoded again before it is returned, so a
  // frame that would not give back `raw` is never stored. Throw StoreError if zstd fails.
  std::string encode(std::string_view raw, std::string_view prefix);
  // Decompress `frame`, made with the same `prefix` (and with the dictionary the frame names, which add_dictionary()
  // must have given); `what` names the version in the error thrown (StoreError::Kind::corrupt) when the frame is
  // damaged.
  std::string decode(std::string_view frame, std::string_view prefix, std::string_view what);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> m_contexts;
};

}  // namespace trialwatch::store::detail
