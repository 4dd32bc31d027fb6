// SPDX-License-Identifier: MIT
// Internal to store/: the PostgreSQL engine behind a Database (libpq stays in store/postgres/).
#pragma once

#include "store/database.hpp"
#include "store/detail/engine.hpp"

#include <memory>
#include <string>

namespace trialwatch::store::postgres {

// Connect to the database `uri` names in `mode`: read_write creates or migrates the schema (one process at a time);
// read_only requires a current schema and runs every statement in a read-only transaction, so it works on a replica.
std::unique_ptr<detail::Engine> open(const std::string& uri, OpenMode mode);

// Return `uri` without its password, for messages and logs.
std::string redacted(const std::string& uri);

// Return the schema version this build's PostgreSQL engine creates and understands.
int latest_schema_version() noexcept;

}  // namespace trialwatch::store::postgres
