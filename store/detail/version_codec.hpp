// SPDX-License-Identifier: MIT
// Internal to store/: how a study version's exact bytes become the `versions.document` blob and back.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace trialwatch::store::detail {

// zstd compression of study versions, alone or against the previous version's bytes as a prefix (a delta: a
// sponsor update of a 77 KB record becomes a frame of a few hundred bytes). Contexts are reused across calls:
// creating one per call costs more than compressing a small study. Not thread-safe.
class VersionCodec {
 public:
  VersionCodec();
  ~VersionCodec();
  VersionCodec(const VersionCodec&) = delete;
  VersionCodec& operator=(const VersionCodec&) = delete;

  // Compress `raw`, against `prefix` when it is not empty. The frame is decoded again before it is returned, so
  // a frame that would not give back `raw` is never stored. Throw StoreError if zstd fails.
  std::string encode(std::string_view raw, std::string_view prefix);
  // Decompress `frame`, made by encode() with the same `prefix`; `what` names the version in the error thrown
  // (StoreError::Kind::corrupt) when the frame is damaged.
  std::string decode(std::string_view frame, std::string_view prefix, std::string_view what);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> m_contexts;
};

}  // namespace trialwatch::store::detail
