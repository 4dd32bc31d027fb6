// SPDX-License-Identifier: MIT
#include "store/database.hpp"

#include "store/detail/connection.hpp"
#include "store/postgres/engine.hpp"
#include "store/sqlite/engine.hpp"

#include <utility>

namespace trialwatch::store {

bool is_postgres_location(std::string_view location) noexcept {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Database Database::open(const std::filesystem::path& location, OpenMode mode) {
  auto impl = std::make_unique<Impl>();
  if (is_postgres_location(location.native())) {
    impl->name = postgres::redacted(location.native());
    impl->engine = postgres::open(location.native(), mode);
  } else {
    impl->path = location;
    impl->name = location.string();
    impl->engine = sqlite::open(location, mode);
  }
  return Database(std::move(impl));
}

int Database::latest_schema_version() noexcept { return sqlite::latest_schema_version(); }

int Database::schema_version() const {
  return detail::reading(*this, [&] { return m_impl->engine->schema_version(); });
}

std::optional<std::string> Database::get_meta(std::string_view key) const {
  return detail::reading(*this, [&]() -> std::optional<std::string> {
    auto select = detail::statement(*this, "SELECT value FROM meta WHERE key = ?");
    select->bind(1, key);
    if (!select->executeStep()) return std::nullopt;
    return select->getColumn(0).getString();
  });
}

void Database::set_meta(std::string_view key, std::string_view value) {
  detail::reading(*this, [&] {  // inside the caller's transaction, if any
    auto upsert = detail::statement(*this,
                                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert->bind(1, key);
    upsert->bind(2, value);
    upsert->exec();
  });
}

void Database::claim_writer(const std::string& holder) {
  detail::reading(*this, [&] { m_impl->engine->claim_writer(holder); });
}

const std::filesystem::path& Database::path() const noexcept { return m_impl->path; }

const std::string& Database::name() const noexcept { return m_impl->name; }

bool Database::is_postgres() const noexcept { return m_impl->path.empty(); }

}  // namespace trialwatch::store
