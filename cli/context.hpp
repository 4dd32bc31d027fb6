// SPDX-License-Identifier: MIT
#pragma once

#include "core/config/config.hpp"
#include "store/database.hpp"

#include "report/bad_parameter.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::cli {

// A mistake in how the command was called (a malformed NCT ID, a bad --since); exit 64.
using UsageError = report::BadParameter;

// The global flags of trialwatch(1).
struct GlobalOptions {
  std::string db;
  std::string config;
  std::string color = "auto";  // auto | always | never
  bool wide = false;           // tables uncut, whatever the width
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

  // Return the configuration file trialwatchd would read: --config, else $TRIALWATCH_CONFIG, else the default path.
  std::filesystem::path config_path() const;
  // Return the configuration in config_path(), or nothing when no file was named and the default one does not
  // exist (trialwatchd then runs on the defaults). Throw core::ConfigError when it cannot be read or is invalid.
  std::optional<core::Config> read_config() const;

  // Return `text` in `colour` when colour is on.
  std::string paint(std::string_view text, Colour colour) const;
  // Return the width tables are fitted to: 0 (no cutting) with --wide; else $COLUMNS when a positive number; else
  // the terminal's width, or 0 when stdout is not a terminal (piped output is not cut, as ls and git do).
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
