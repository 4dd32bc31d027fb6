// SPDX-License-Identifier: MIT
// Internal to store/: writing change events and their outbox rows, shared by Versions and Discoveries.
#pragma once

#include "core/event.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trialwatch::store::detail {

// Return why `nct_id` is on the watch list (its source), or "cli" when it is not on it.
std::string source_of(Database& db, const std::string& nct_id);

// Insert `events` about `nct_id` with `source` (already stored ids are skipped) and, for each new one, a pending
// delivery per channel in `channels` (per event): the outbox rows are written in the caller's transaction with
// their event, so none is ever lost. Return how many events were new.
// Events derived from a past version carry `origin`: its registry version number and posted date.
struct RegistryOrigin {
  int registry_version = 0;
  std::string posted_date;
};
int insert_events(Database& db, const std::string& nct_id, const std::string& source,
                  const std::vector<core::ChangeEvent>& events, const std::vector<std::string>& ids,
                  const std::vector<std::vector<std::string>>& channels, const std::string& detected_at,
                  const std::string& data_timestamp, std::optional<int> version,
                  const std::optional<RegistryOrigin>& origin = std::nullopt);

}  // namespace trialwatch::store::detail
