// SPDX-License-Identifier: MIT
#include "store/naive_versions.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

#include <SQLiteCpp/Statement.h>

namespace trialwatch::store {

NaiveVersions::NaiveVersions(Database& db) : m_db(db) {
  detail::in_transaction(m_db, [&] {
    detail::connection(m_db).exec(
        "CREATE TABLE IF NOT EXISTS naive_versions (nct_id TEXT NOT NULL, number INTEGER NOT NULL, fetched_at TEXT "
        "NOT NULL, document BLOB NOT NULL, PRIMARY KEY (nct_id, number)) STRICT");
  });
}

std::optional<std::string> NaiveVersions::latest(const core::NctId& id) const {
  try {
    auto query =
        detail::statement(m_db, "SELECT document FROM naive_versions WHERE nct_id = ? ORDER BY number DESC LIMIT 1");
    query->bind(1, id.str());
    if (!query->executeStep()) return std::nullopt;
    return std::string(detail::blob_view(query->getColumn(0)));
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& error) {
    detail::rethrow_as_store_error(error, m_db, "reading a naive version");
  }
}

void NaiveVersions::store(const core::NctId& id, const std::string& text, core::Clock::TimePoint fetched_at) {
  detail::in_transaction(m_db, [&] {
    auto insert = detail::statement(m_db,
                                    "INSERT INTO naive_versions (nct_id, number, fetched_at, document) SELECT ?1, "
                                    "coalesce(max(number), 0) + 1, ?2, ?3 FROM naive_versions WHERE nct_id = ?1");
    insert->bind(1, id.str());
    insert->bind(2, core::format_rfc3339(fetched_at));
    insert->bind(3, text.data(), static_cast<int>(text.size()));
    insert->exec();
  });
}

}  // namespace trialwatch::store
