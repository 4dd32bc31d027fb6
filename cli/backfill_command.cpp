// SPDX-License-Identifier: MIT
// backfill: queue tracked studies for trialwatchd to load the registry's past versions.
#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "store/queries.hpp"
#include "store/registry_history.hpp"
#include "store/watch_list.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::cli {

namespace {

// What queueing `id` in `mode` does, said before it is queued: RegistryHistory::enqueue reopens a study done in
// status mode for a full request, and keeps any other study already queued as it is.
std::string outcome(store::Database& db, const core::NctId& id, store::BackfillMode mode) {
  const bool full = mode == store::BackfillMode::full;
  const auto state = store::Queries(db).backfill(id);
  if (!state)
    return full ? "queued for a full backfill; trialwatchd fetches its past versions at its next cycle"
                : "queued for a status backfill; trialwatchd reads the registry's list of its past versions at its "
                  "next cycle";
  if (full && state->mode != "full")
    return "queued for a full backfill; trialwatchd fetches the past versions not fetched yet at its next cycle";
  if (!state->done)
    return fmt::format("is already queued for a {} backfill; trialwatchd works on it at its next cycle", state->mode);
  if (state->mode == "full")
    return fmt::format("is already backfilled: it has every past version the registry listed ({})",
                       store::RegistryHistory(db).versions(id).size());
  return "is already backfilled: its list of past versions is stored (trialwatch backfill --full fetches them)";
}

}  // namespace

int backfill(const Context& context, const std::vector<std::string>& texts, bool full) {
  const auto ids = parse_ids(texts);
  auto db = context.open_for_writing();
  const auto tracked = store::WatchList(db).entries();
  for (const auto& id : ids)
    if (std::none_of(tracked.begin(), tracked.end(), [&](const auto& entry) { return entry.id == id; }))
      throw UsageError(
          fmt::format("{} is not tracked; track it first (trialwatch track {}): trialwatchd backfills "
                      "tracked studies only",
                      id.str(), id.str()));
  store::RegistryHistory history(db);
  const auto mode = full ? store::BackfillMode::full : store::BackfillMode::status;
  for (const auto& id : ids) {
    const auto said = outcome(db, id, mode);
    history.enqueue(id, mode, core::SystemClock{}.now());
    fmt::print("{} {}\n", id.str(), said);
  }
  return 0;
}

}  // namespace trialwatch::cli
