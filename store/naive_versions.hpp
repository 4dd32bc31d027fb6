// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "core/nct_id.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>

namespace trialwatch::store {

// The benchmark's naive baseline storage (docs/performance.md): every fetched document whose text differs from the
// previous one, stored whole and uncompressed in a table of its own. The table exists only in databases a naive run
// wrote; the product schema and its migrations know nothing of it.
class NaiveVersions {
 public:
  // Work on `db` (opened read_write), which must outlive this object; create the naive_versions table if absent.
  explicit NaiveVersions(Database& db);

  // Return the exact text of the newest stored document of `id`, or nothing if none was stored.
  std::optional<std::string> latest(const core::NctId& id) const;
  // Store `text` as the next document of `id`, fetched at `fetched_at`, uncompressed.
  void store(const core::NctId& id, const std::string& text, core::Clock::TimePoint fetched_at);

 private:
  Database& m_db;
};

}  // namespace trialwatch::store
