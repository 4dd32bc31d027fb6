// SPDX-License-Identifier: MIT
// migrate: copy the whole history into another database (SQLite to PostgreSQL, or back), verified before it is
// committed.
#include "cli/commands.hpp"
#include "core/safe_text.hpp"
#include "diff/normalise.hpp"
#include "diff/website_text.hpp"
#include "store/migration.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace trialwatch::cli {

namespace {

// Say whether `target` names the database `source` names: the same text, or the same file by another path.
bool same_database(const std::filesystem::path& source, const std::string& target) {
  if (source.native() == target) return true;
  if (store::is_postgres_location(source.native()) || store::is_postgres_location(target)) return false;
  std::error_code ignored;
  return std::filesystem::equivalent(source, target, ignored);
}

// The hashes trialwatchd records: a live version's of its normalised form, a past version's of its comparable form.
store::DocumentHashes recorded_hashes() {
  return {[normaliser = diff::Normaliser()](std::string_view raw) mutable {
            const auto hash = normaliser.hash(raw);
            return hash ? *hash : std::string();
          },
          [](std::string_view raw) {
            const auto comparable = diff::comparable_form(raw);
            return comparable ? diff::hash128_hex(*comparable) : std::string();
          }};
}

}  // namespace

int migrate(const Context& context, const std::string& target) {
  if (same_database(context.database_path(), target))
    throw UsageError("--to names the database being migrated (--db); give another, empty database");
  const auto from = context.open_for_reading();
  auto to = store::Database::open(target, store::OpenMode::read_write);
  const auto report = store::migrate_history(from, to, recorded_hashes());
  fmt::print("copied {} to {}:\n", core::for_terminal(from.name()), core::for_terminal(to.name()));
  for (const auto& table : report.tables) fmt::print("  {:<14} {:>9}\n", table.table, table.rows);
  fmt::print("every table's row count and all {} stored documents (bytes and hash) verified\n", report.documents);
  return 0;
}

}  // namespace trialwatch::cli
