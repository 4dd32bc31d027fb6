// SPDX-License-Identifier: MIT
#pragma once

#include "store/database.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trialwatch::cli {

// A mistake in how the command was called (a malformed NCT ID, a bad --since); exit 64.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The global flags of trialwatch(1).
struct GlobalOptions {
  std::string db;
  std::string config;
  std::string color = "auto";  // auto | always | never
};

// Colours the CLI uses, by meaning.
enum class Colour { id, label, results, dim, added, removed };

// What every command needs: where the database is, how to write for this terminal, and what time it is.
class Context {
 public:
  // Resolve the database path (--db, TRIALWATCH_DB, the daemon's default) and decide on colour and width.
  explicit Context(GlobalOptions options);

  // Return the database path in use.
  const std::filesystem::path& database_path() const noexcept { return m_database; }
  // Open the database read-only (read commands; safe while the daemon writes). Throw store::StoreError.
  store::Database open_for_reading() const;
  // Open the database to change the watch list (created and migrated if needed). Throw store::StoreError.
  store::Database open_for_writing() const;

  // Return `text` in `colour` when colour is on.
  std::string paint(std::string_view text, Colour colour) const;
  // Return the terminal's width for tables, or 0 when stdout is not a terminal (no cutting).
  std::size_t width() const noexcept { return m_width; }
  // Return the time relative dates are measured from: $TRIALWATCH_NOW (RFC 3339, for reproducible output) or now.
  std::chrono::system_clock::time_point now() const noexcept { return m_now; }

 private:
  GlobalOptions m_options;
  std::filesystem::path m_database;
  bool m_colour = false;
  std::size_t m_width = 0;
  std::chrono::system_clock::time_point m_now;
};

}  // namespace trialwatch::cli
