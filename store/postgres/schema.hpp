// SPDX-License-Identifier: MIT
// Internal to store/: the PostgreSQL engine's schema, as ordered migrations.
#pragma once

#include <array>

namespace trialwatch::store::postgres {

// Entry i takes schema version i to i + 1. Append only; never edit a released entry.
extern const std::array<const char*, 2> k_migrations;

}  // namespace trialwatch::store::postgres
