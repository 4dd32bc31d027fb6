// SPDX-License-Identifier: MIT
#pragma once

#include "core/exit_code.hpp"

#include <stdexcept>
#include <string>

namespace trialwatch::store {

// A database failure that needs an operator: raised by store, caught once in each main, printed as its one-sentence
// message and mapped to the process exit code. Routine results (a study not found) are values, not StoreErrors.
class StoreError : public std::runtime_error {
 public:
  // What went wrong, which decides the exit code.
  enum class Kind {
    missing,                    // the database file does not exist (66)
    not_a_trialwatch_database,  // not SQLite, or another application's SQLite file (65)
    corrupt,                    // SQLite reports corruption or quick_check fails (65)
    newer_schema,               // written by a newer trialwatch (65)
    older_schema,               // needs a migration that a read-only open cannot run (65)
    locked,                     // another process held the lock past the busy timeout (74)
    io,                         // the file system refused: permissions, disk full, read-only (74)
    unreachable,                // the PostgreSQL server cannot be reached, or the connection to it was lost (69)
    access_denied,              // the PostgreSQL server refused the role, password, database or a write (78)
  };

  // Create an error of `kind` whose what() is `message`, one sentence that says what to do.
  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}

  // Return what went wrong.
  Kind kind() const noexcept { return m_kind; }

  // Return the exit code a program should end with because of this error.
  core::ExitCode exit_code() const noexcept;

 private:
  Kind m_kind;
};

// Return the short name of `kind` ("newer_schema"...) for logs and tests.
const char* store_error_kind_name(StoreError::Kind kind) noexcept;

}  // namespace trialwatch::store
