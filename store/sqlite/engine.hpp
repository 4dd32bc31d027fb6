// SPDX-License-Identifier: MIT
// Internal to store/: the SQLite engine. SQLiteCpp types appear in store/sqlite/ only.
#pragma once

#include "store/database.hpp"
#include "store/detail/engine.hpp"

#include <filesystem>
#include <memory>

namespace trialwatch::store::sqlite {

// Open trialwatch's SQLite file at `path` in `mode` (Database::open says what each mode checks and does).
std::unique_ptr<detail::Engine> open(const std::filesystem::path& path, OpenMode mode);

// Return the schema version this build's SQLite engine creates and understands.
int latest_schema_version() noexcept;

}  // namespace trialwatch::store::sqlite
