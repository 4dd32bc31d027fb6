// SPDX-License-Identifier: MIT
#include "store/discoveries.hpp"

#include "core/strings.hpp"
#include "store/detail/connection.hpp"
#include "store/detail/event_rows.hpp"
#include "store/detail/rows.hpp"

namespace trialwatch::store {

using detail::bind_optional;
using detail::text_or_empty;

Discoveries::Discoveries(Database& db) : m_db(db) {}

std::optional<SearchState> Discoveries::search(std::string_view name) const {
  return detail::reading(m_db, [&]() -> std::optional<SearchState> {
    auto query = detail::statement(m_db,
                                   "SELECT name, fingerprint, completed_data_timestamp, window_date, completed_at, "
                                   "last_error FROM searches WHERE name = ?");
    query->bind(1, std::string(name));
    if (!query->executeStep()) return std::nullopt;
    return SearchState{query->getColumn(0).getString(),    query->getColumn(1).getString(),
                       text_or_empty(query->getColumn(2)), text_or_empty(query->getColumn(3)),
                       text_or_empty(query->getColumn(4)), text_or_empty(query->getColumn(5))};
  });
}

int Discoveries::listed_from(std::string_view source) const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db, "SELECT count(*) FROM watchlist WHERE source = ?");
    query->bind(1, std::string(source));
    query->executeStep();
    return query->getColumn(0).getInt();
  });
}

std::set<std::string> Discoveries::listed() const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db, "SELECT nct_id FROM watchlist");
    std::set<std::string> ids;
    while (query->executeStep()) ids.insert(query->getColumn(0).getString());
    return ids;
  });
}

bool Discoveries::add_to_watchlist(const core::NctId& id, const std::string& source, const std::string& note,
                                   const std::string& at) {
  auto insert = detail::statement(
      m_db,
      "INSERT INTO watchlist(nct_id, source, note, added_at, active) VALUES (?, ?, ?, ?, 1) ON CONFLICT DO NOTHING");
  insert->bind(1, id.str());
  insert->bind(2, source);
  bind_optional(*insert, 3, note);
  insert->bind(4, at);
  return insert->exec() > 0;
}

std::vector<bool> Discoveries::complete_search(const SearchState& state, const std::vector<FoundStudy>& found,
                                               std::string_view data_timestamp, core::Clock::TimePoint now) {
  const std::string at = core::format_rfc3339(now);
  const std::string source = "search:" + state.name;
  return detail::in_transaction(m_db, [&] {
    std::vector<bool> stored(found.size(), false);
    for (std::size_t i = 0; i < found.size(); ++i) {
      const auto& study = found[i];
      if (!add_to_watchlist(study.id, source, "", at)) continue;  // listed meanwhile (e.g. by the CLI): keep that
      if (!study.event_id.empty())
        stored[i] = detail::insert_events(m_db, study.id.str(), source, {study.event}, {study.event_id},
                                          {study.channels}, at, std::string(data_timestamp), std::nullopt) > 0;
    }
    auto upsert = detail::statement(
        m_db,
        "INSERT INTO searches(name, fingerprint, completed_data_timestamp, window_date, completed_at, last_error) "
        "VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT(name) DO UPDATE SET fingerprint = excluded.fingerprint, "
        "completed_data_timestamp = excluded.completed_data_timestamp, window_date = excluded.window_date, "
        "completed_at = excluded.completed_at, last_error = NULL");
    upsert->bind(1, state.name);
    upsert->bind(2, state.fingerprint);
    upsert->bind(3, std::string(data_timestamp));
    upsert->bind(4, state.window_date);
    upsert->bind(5, at);
    upsert->exec();
    return stored;
  });
}

void Discoveries::reject_search(std::string_view name, std::string_view fingerprint, std::string_view error,
                                std::string_view data_timestamp) {
  detail::in_transaction(m_db, [&] {
    // A rejected query that is not the remembered one starts over later: forget the old window.
    auto upsert = detail::statement(
        m_db,
        "INSERT INTO searches(name, fingerprint, completed_data_timestamp, last_error) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET last_error = excluded.last_error, "
        "completed_data_timestamp = excluded.completed_data_timestamp, "
        "window_date = CASE WHEN searches.fingerprint = excluded.fingerprint THEN searches.window_date END, "
        "fingerprint = excluded.fingerprint");
    upsert->bind(1, std::string(name));
    upsert->bind(2, std::string(fingerprint));
    upsert->bind(3, std::string(data_timestamp));
    upsert->bind(4, std::string(error));
    upsert->exec();
  });
}

namespace {

// The explicitly tracked, stored studies whose related trials are due (?1: the cutoff, RFC 3339).
constexpr const char* k_due_subjects =
    "FROM watchlist w JOIN studies s ON s.nct_id = w.nct_id LEFT JOIN discoveries d ON d.subject = w.nct_id "
    "WHERE w.active = 1 AND w.source IN ('config', 'cli') AND s.state = 'present' AND s.latest_version > 0 "
    "AND (d.discovered_at IS NULL OR d.discovered_at <= ?1)";

}  // namespace

std::vector<core::NctId> Discoveries::due_subjects(core::Clock::TimePoint cutoff, std::size_t limit) const {
  static const std::string sql =
      std::string("SELECT w.nct_id ") + k_due_subjects + " ORDER BY coalesce(d.discovered_at, ''), w.nct_id LIMIT ?2";
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db, sql);
    query->bind(1, core::format_rfc3339(cutoff));
    query->bind(2, static_cast<std::int64_t>(limit));
    std::vector<core::NctId> ids;
    while (query->executeStep())
      if (auto id = core::NctId::parse(query->getColumn(0).getString())) ids.push_back(*id);
    return ids;
  });
}

std::size_t Discoveries::count_due_subjects(core::Clock::TimePoint cutoff) const {
  static const std::string sql = std::string("SELECT count(*) ") + k_due_subjects;
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db, sql);
    query->bind(1, core::format_rfc3339(cutoff));
    query->executeStep();
    return static_cast<std::size_t>(query->getColumn(0).getInt64());
  });
}

std::optional<std::string> Discoveries::discovered_at(const core::NctId& subject) const {
  return detail::reading(m_db, [&]() -> std::optional<std::string> {
    auto query = detail::statement(m_db, "SELECT discovered_at FROM discoveries WHERE subject = ?");
    query->bind(1, subject.str());
    if (!query->executeStep()) return std::nullopt;
    return query->getColumn(0).getString();
  });
}

std::set<std::string> Discoveries::suggested(const core::NctId& subject) const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db, "SELECT nct_id FROM related WHERE subject = ?");
    query->bind(1, subject.str());
    std::set<std::string> ids;
    while (query->executeStep()) ids.insert(query->getColumn(0).getString());
    return ids;
  });
}

std::vector<bool> Discoveries::complete_discovery(const core::NctId& subject, const std::vector<FoundStudy>& found,
                                                  std::string_view data_timestamp, core::Clock::TimePoint now) {
  const std::string at = core::format_rfc3339(now);
  const std::string source = "related:" + subject.str();
  return detail::in_transaction(m_db, [&] {
    std::vector<bool> stored(found.size(), false);
    auto keep = detail::statement(m_db,
                                  "INSERT INTO related(subject, nct_id, title, score, reasons, found_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (std::size_t i = 0; i < found.size(); ++i) {
      const auto& study = found[i];
      keep->reset();
      keep->bind(1, subject.str());
      keep->bind(2, study.id.str());
      bind_optional(*keep, 3, study.title);
      keep->bind(4, study.score);
      keep->bind(5, core::join(study.reasons, "\n"));  // one reason per line
      keep->bind(6, at);
      if (keep->exec() == 0) continue;  // suggested before
      if (study.track) add_to_watchlist(study.id, source, "", at);
      if (!study.event_id.empty())
        stored[i] = detail::insert_events(m_db, study.id.str(), source, {study.event}, {study.event_id},
                                          {study.channels}, at, std::string(data_timestamp), std::nullopt) > 0;
    }
    auto upsert = detail::statement(m_db,
                                    "INSERT INTO discoveries(subject, discovered_at) VALUES (?, ?) "
                                    "ON CONFLICT(subject) DO UPDATE SET discovered_at = excluded.discovered_at");
    upsert->bind(1, subject.str());
    upsert->bind(2, at);
    upsert->exec();
    return stored;
  });
}

}  // namespace trialwatch::store
