// SPDX-License-Identifier: MIT
#include "store/queries.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <limits>

namespace trialwatch::store {

using detail::read_event;
using detail::reading;
using detail::text_or_empty;

namespace {

std::string joined_types(const std::vector<core::EventType>& types) {
  std::string out;
  for (const auto type : types) {
    out += out.empty() ? "," : "";
    out += std::string(core::event_type_name(type)) + ",";
  }
  return out;
}

std::optional<RunRecord> one_run(const Database& db, const char* sql) {
  auto query = detail::statement(db, sql);
  if (!query->executeStep()) return std::nullopt;
  return detail::read_run(db, *query);
}

std::int64_t count(const Database& db, const char* sql) {
  auto query = detail::statement(db, sql);
  return query->executeStep() ? query->getColumn(0).getInt64() : 0;
}

}  // namespace

std::vector<RelatedSuggestion> Queries::related(const std::optional<core::NctId>& subject) const {
  return reading(m_db, [&] {
    auto query = detail::statement(
        m_db,
        "SELECT r.subject, r.nct_id, r.title, r.score, r.reasons, r.found_at, coalesce(w.active, 0) FROM related r "
        "LEFT JOIN watchlist w ON w.nct_id = r.nct_id WHERE CAST(?1 AS text) IS NULL OR r.subject = ?1 "
        "ORDER BY r.subject, r.score DESC, r.nct_id");
    if (subject) query->bind(1, subject->str());
    std::vector<RelatedSuggestion> suggestions;
    while (query->executeStep()) {
      RelatedSuggestion s{query->getColumn(0).getString(),
                          query->getColumn(1).getString(),
                          text_or_empty(query->getColumn(2)),
                          query->getColumn(3).getInt(),
                          {},
                          query->getColumn(5).getString(),
                          query->getColumn(6).getInt() != 0};
      std::string reasons = query->getColumn(4).getString();
      for (std::size_t start = 0; start < reasons.size();) {
        const auto end = std::min(reasons.find('\n', start), reasons.size());
        s.reasons.push_back(reasons.substr(start, end - start));
        start = end + 1;
      }
      suggestions.push_back(std::move(s));
    }
    return suggestions;
  });
}

std::vector<ListedStudy> Queries::list(bool include_inactive) const {
  return reading(m_db, [&] {
    auto studies = watched(include_inactive);
    auto count = detail::statement(m_db, "SELECT count(*) FROM versions WHERE nct_id = ?");
    std::vector<core::NctId> ids;
    ids.reserve(studies.size());
    for (auto& study : studies) {
      count->reset();
      count->bind(1, study.entry.id.str());
      if (count->executeStep()) study.versions = count->getColumn(0).getInt();
      ids.push_back(study.entry.id);
    }
    auto last = last_events(ids);
    for (std::size_t i = 0; i < studies.size(); ++i) studies[i].last_event = std::move(last[i]);
    return studies;
  });
}

std::vector<ListedStudy> Queries::watched(bool include_inactive) const {
  return reading(m_db, [&] {
    auto query = detail::statement(
        m_db,
        "SELECT w.nct_id, w.source, w.note, w.added_at, w.active, s.title, s.overall_status, "
        "s.last_update_post_date, s.state "
        "FROM watchlist w LEFT JOIN studies s ON s.nct_id = w.nct_id WHERE w.active = 1 OR ?1 ORDER BY w.nct_id");
    query->bind(1, include_inactive ? 1 : 0);
    std::vector<ListedStudy> studies;
    while (query->executeStep()) {
      auto id = core::NctId::parse(query->getColumn(0).getString());
      if (!id) continue;
      ListedStudy study{WatchEntry{*id, query->getColumn(1).getString(), text_or_empty(query->getColumn(2)),
                                   query->getColumn(3).getString(), query->getColumn(4).getInt() != 0},
                        {},
                        {},
                        0,
                        std::nullopt};
      study.summary.title = text_or_empty(query->getColumn(5));
      study.summary.overall_status = text_or_empty(query->getColumn(6));
      study.summary.last_update_post_date = text_or_empty(query->getColumn(7));
      if (!query->getColumn(8).isNull())
        study.state = detail::parse_name(m_db, query->getColumn(8), parse_study_state, "study state");
      studies.push_back(std::move(study));
    }
    return studies;
  });
}

std::vector<std::optional<StoredEvent>> Queries::last_events(const std::vector<core::NctId>& ids) const {
  return reading(m_db, [&] {
    auto last =
        detail::statement(m_db,
                          "SELECT id, nct_id, type, detected_at, data_timestamp, version, provenance, path, "
                          "old, new, summary, source, registry_version, posted_date FROM events WHERE nct_id = ? "
                          "ORDER BY detected_at DESC, rowid DESC LIMIT 1");
    std::vector<std::optional<StoredEvent>> events;
    events.reserve(ids.size());
    for (const auto& id : ids) {
      last->reset();
      last->bind(1, id.str());
      events.push_back(last->executeStep() ? std::optional(read_event(*last)) : std::nullopt);
    }
    return events;
  });
}

std::vector<StoredEvent> Queries::events(const EventQuery& filter) const {
  std::vector<StoredEvent> events;
  each_event(filter, [&](const StoredEvent& event) { events.push_back(event); });
  return events;
}

void Queries::each_event(const EventQuery& filter, const std::function<void(const StoredEvent&)>& visit) const {
  reading(m_db, [&] {
    // Fixed statements, so each uses its index: (nct_id, detected_at) for one study, detected_at otherwise. A brief
    // read selects NULL for the columns a table does not show, so SQLite does not decode them.
    static constexpr const char* k_statements[2][2] = {
        {"SELECT id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new, summary, source, "
         "registry_version, posted_date "
         "FROM events WHERE detected_at >= ?1 AND (?2 = '' OR instr(?2, ',' || type || ',') > 0) "
         "ORDER BY detected_at DESC, rowid DESC LIMIT ?3 OFFSET ?5",
         "SELECT id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new, summary, source, "
         "registry_version, posted_date "
         "FROM events WHERE nct_id = ?4 AND detected_at >= ?1 AND (?2 = '' OR instr(?2, ',' || type || ',') > 0) "
         "ORDER BY detected_at DESC, rowid DESC LIMIT ?3 OFFSET ?5"},
        {"SELECT NULL, nct_id, type, detected_at, NULL, NULL, NULL, NULL, old, new, summary, NULL, NULL, NULL "
         "FROM events WHERE detected_at >= ?1 AND (?2 = '' OR instr(?2, ',' || type || ',') > 0) "
         "ORDER BY detected_at DESC, rowid DESC LIMIT ?3 OFFSET ?5",
         "SELECT NULL, nct_id, type, detected_at, NULL, NULL, NULL, NULL, old, new, summary, NULL, NULL, NULL "
         "FROM events WHERE nct_id = ?4 AND detected_at >= ?1 AND (?2 = '' OR instr(?2, ',' || type || ',') > 0) "
         "ORDER BY detected_at DESC, rowid DESC LIMIT ?3 OFFSET ?5"}};
    auto query = detail::statement(m_db, k_statements[filter.brief ? 1 : 0][filter.nct_id ? 1 : 0]);
    query->bind(1, filter.since);
    query->bind(2, joined_types(filter.types));
    // A negative limit means all: SQLite reads LIMIT -1 so, PostgreSQL refuses it (and SQLite refuses LIMIT NULL).
    query->bind(3, filter.limit < 0 ? std::numeric_limits<std::int64_t>::max() : std::int64_t{filter.limit});
    if (filter.nct_id) query->bind(4, filter.nct_id->str());
    query->bind(5, filter.offset);
    StoredEvent event{};
    while (query->executeStep()) {
      detail::read_event_into(*query, event);
      visit(event);
    }
  });
}

std::optional<BackfillState> Queries::backfill(const core::NctId& id) const {
  return reading(m_db, [&]() -> std::optional<BackfillState> {
    auto query = detail::statement(m_db, "SELECT mode, done_at IS NOT NULL FROM backfills WHERE nct_id = ?");
    query->bind(1, id.str());
    if (!query->executeStep()) return std::nullopt;
    return BackfillState{query->getColumn(0).getString(), query->getColumn(1).getInt() != 0};
  });
}

std::vector<VersionInfo> Queries::versions(const core::NctId& id) const {
  return reading(m_db, [&] {
    auto query =
        detail::statement(m_db,
                          "SELECT v.version, v.fetched_at, v.data_timestamp, v.last_update_post_date, v.raw_size, "
                          "(SELECT count(*) FROM field_changes c WHERE c.nct_id = v.nct_id AND c.version = v.version) "
                          "FROM versions v WHERE v.nct_id = ? ORDER BY v.version");
    query->bind(1, id.str());
    std::vector<VersionInfo> versions;
    while (query->executeStep())
      versions.push_back(VersionInfo{query->getColumn(0).getInt(), query->getColumn(1).getString(),
                                     query->getColumn(2).getString(), text_or_empty(query->getColumn(3)),
                                     query->getColumn(4).getInt64(), query->getColumn(5).getInt()});
    return versions;
  });
}

std::vector<core::FieldChange> Queries::changes(const core::NctId& id, int version) const {
  return reading(m_db, [&] {
    auto query = detail::statement(
        m_db, "SELECT op, path, old, new FROM field_changes WHERE nct_id = ? AND version = ? ORDER BY seq");
    query->bind(1, id.str());
    query->bind(2, version);
    std::vector<core::FieldChange> changes;
    while (query->executeStep())
      changes.push_back(core::FieldChange{
          core::parse_field_op(query->getColumn(0).getString()).value_or(core::FieldChange::Op::replace),
          query->getColumn(1).getString(), text_or_empty(query->getColumn(2)), text_or_empty(query->getColumn(3))});
    return changes;
  });
}

StoreStatus Queries::status() const {
  return reading(m_db, [&] {
    StoreStatus status;
    status.completed_data_timestamp = m_db.get_meta("completed_data_timestamp");
    status.last_reconcile = m_db.get_meta("last_reconcile");
    status.last_run = one_run(m_db,
                              "SELECT id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked, "
                              "fetched, changed, events, error FROM runs ORDER BY id DESC LIMIT 1");
    status.last_successful_run = one_run(
        m_db,
        "SELECT id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked, fetched, "
        "changed, events, error FROM runs WHERE outcome IN ('ok', 'partial', 'unchanged') ORDER BY id DESC LIMIT 1");
    status.tracked = static_cast<int>(count(m_db, "SELECT count(*) FROM watchlist WHERE active = 1"));
    status.studies_with_versions =
        static_cast<int>(count(m_db, "SELECT count(*) FROM studies WHERE latest_version > 0"));
    status.versions = count(m_db, "SELECT count(*) FROM versions");
    status.events = count(m_db, "SELECT count(*) FROM events");
    status.notifications = count_deliveries(m_db);
    status.next_check_at = m_db.get_meta("next_check_at");
    if (const auto interval = m_db.get_meta("check_interval_seconds"))
      status.check_interval = std::strtoll(interval->c_str(), nullptr, 10);
    auto not_found = detail::statement(m_db,
                                       "SELECT w.nct_id FROM watchlist w JOIN studies s ON s.nct_id = w.nct_id "
                                       "WHERE w.active = 1 AND s.state = 'not_found' ORDER BY w.nct_id");
    while (not_found->executeStep()) status.not_found.push_back(not_found->getColumn(0).getString());
    auto searches = detail::statement(
        m_db,
        "SELECT s.name, s.completed_at, s.window_date, s.last_error, (SELECT count(*) FROM watchlist w "
        "WHERE w.source = 'search:' || s.name AND w.active = 1) FROM searches s ORDER BY s.name");
    while (searches->executeStep())
      status.searches.push_back(SearchStatus{searches->getColumn(0).getString(), text_or_empty(searches->getColumn(1)),
                                             text_or_empty(searches->getColumn(2)),
                                             text_or_empty(searches->getColumn(3)), searches->getColumn(4).getInt()});
    status.database_bytes = m_db.impl().engine->size_bytes();
    return status;
  });
}

}  // namespace trialwatch::store
