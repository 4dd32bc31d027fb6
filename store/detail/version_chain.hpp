// SPDX-License-Identifier: MIT
// Internal to store/: reading one version back from a chain of zstd frames (a standalone frame, then deltas).
#pragma once

#include "store/database.hpp"
#include "store/detail/version_codec.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::store::detail {

// Where a study's frames live, and how a version is named in errors.
struct FrameTable {
  // SELECT number, base, document of the chain up to ?2 of ?1, oldest first: a string literal (statement cache key)
  std::string_view chain_sql;
  // SELECT number, base, document of every frame of ?1, oldest first
  std::string_view all_sql;
  std::string_view label;  // "version" or "registry version"
};

// The versions seen live.
inline constexpr FrameTable k_live_frames{
    "SELECT version, base, document FROM versions WHERE nct_id = ?1 AND version <= ?2 AND version >= (SELECT "
    "max(version) FROM versions WHERE nct_id = ?1 AND version <= ?2 AND base IS NULL) ORDER BY version",
    "SELECT version, base, document FROM versions WHERE nct_id = ?1 ORDER BY version", "version"};
// The registry's past versions, some of them listed without a document.
inline constexpr FrameTable k_past_frames{
    "SELECT registry_version, base, document FROM past_versions WHERE nct_id = ?1 AND registry_version <= ?2 AND "
    "registry_version >= (SELECT max(registry_version) FROM past_versions WHERE nct_id = ?1 AND registry_version <= "
    "?2 AND base IS NULL AND document IS NOT NULL) ORDER BY registry_version",
    "SELECT registry_version, base, document FROM past_versions WHERE nct_id = ?1 ORDER BY registry_version",
    "registry version"};

// Return the exact bytes of version `number` of `nct_id` in `frames`, decoding the chain from the nearest standalone
// frame up (each frame a delta against the one before) with `codec`; nothing when that version has no document.
// Throw StoreError (corrupt) with a sentence naming the version when the chain is broken or a frame is damaged.
std::optional<std::string> decode_chain(const Database& db, VersionCodec& codec, const FrameTable& frames,
                                        const std::string& nct_id, int number);

// Call `visit` with each version of `nct_id` in `frames`, oldest first, and its exact bytes (null for a past version
// listed without a document), decoding each frame once. Throw StoreError (corrupt) as decode_chain() does.
void decode_all(const Database& db, VersionCodec& codec, const FrameTable& frames, const std::string& nct_id,
                const std::function<void(int, const std::string*)>& visit);

}  // namespace trialwatch::store::detail
