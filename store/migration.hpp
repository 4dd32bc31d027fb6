// SPDX-License-Identifier: MIT
#pragma once

#include "store/database.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::store {

// How the hash recorded with a stored document is computed from its exact bytes: diff/ computes hashes, the store
// only keeps them. Each returns "" when the bytes cannot be hashed (which no stored document should give).
struct DocumentHashes {
  std::function<std::string(std::string_view)> live;  // a version seen live: versions.hash
  std::function<std::string(std::string_view)> past;  // a registry past version: past_versions.hash
};

// How many rows of one table were copied.
struct CopiedTable {
  std::string table;
  std::int64_t rows = 0;
};

// What migrate_history() copied and verified.
struct MigrationReport {
  std::vector<CopiedTable> tables;  // every table, in the order copied
  std::int64_t documents = 0;       // versions and past versions whose bytes and hash were checked on the target

  // Return the rows copied of `table` (0 for a table not copied).
  std::int64_t rows(std::string_view table) const noexcept;
};

// Copy the whole history of `from` (any engine), as one snapshot of it, into `to`, which must hold none (any engine,
// opened read_write), in one write transaction on `to`: every table row for row (but the meta keys that belong to one
// database: schema version, writer, last quick_check), then, before committing, check that every table has as many rows
// on both sides and that every stored document decoded from `to` equals the one decoded from `from` and has its
// recorded hash by `hashes`. Throw StoreError, leaving `to` as empty as it was, when `to` already holds a history, a
// check fails, or either database fails. Rows are read `page_rows` at a time, which bounds the memory a migration
// takes.
MigrationReport migrate_history(const Database& from, Database& to, const DocumentHashes& hashes,
                                std::int64_t page_rows = 500);

}  // namespace trialwatch::store
