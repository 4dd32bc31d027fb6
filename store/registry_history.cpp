// SPDX-License-Identifier: MIT
#include "store/registry_history.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/event_rows.hpp"
#include "store/detail/rows.hpp"
#include "store/detail/version_chain.hpp"
#include "store/detail/version_codec.hpp"

#include <stdexcept>

namespace trialwatch::store {

using detail::text_or_empty;

namespace {

// Every this many past versions one is stored standalone, so reading one decodes a short chain.
constexpr int k_standalone_every = 16;

}  // namespace

std::string_view backfill_mode_name(BackfillMode mode) noexcept {
  return mode == BackfillMode::full ? "full" : "status";
}

std::optional<BackfillMode> parse_backfill_mode(std::string_view name) noexcept {
  if (name == "full") return BackfillMode::full;
  if (name == "status") return BackfillMode::status;
  return std::nullopt;
}

RegistryHistory::RegistryHistory(Database& db) : m_db(db), m_codec(std::make_unique<detail::VersionCodec>()) {}

RegistryHistory::~RegistryHistory() = default;

void RegistryHistory::enqueue(const core::NctId& id, BackfillMode mode, core::Clock::TimePoint now) {
  detail::in_transaction(m_db, [&] {
    const auto at = core::format_rfc3339(now);
    auto upsert = detail::statement(
        m_db,
        "INSERT INTO backfills(nct_id, mode, queued_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3) "
        "ON CONFLICT(nct_id) DO UPDATE SET mode = 'full', done_at = NULL, failures = 0, next_attempt_at = ?3 "
        "WHERE excluded.mode = 'full' AND backfills.mode = 'status'");
    upsert->bind(1, id.str());
    upsert->bind(2, std::string(backfill_mode_name(mode)));
    upsert->bind(3, at);
    upsert->exec();
  });
}

int RegistryHistory::enqueue_tracked(std::optional<BackfillMode> explicit_mode,
                                     std::optional<BackfillMode> discovered_mode, core::Clock::TimePoint now) {
  if (!explicit_mode && !discovered_mode) return 0;
  return detail::in_transaction(m_db, [&] {
    auto insert = detail::statement(
        m_db,
        "INSERT INTO backfills(nct_id, mode, queued_at, next_attempt_at) "
        "SELECT nct_id, mode, ?3, ?3 FROM (SELECT nct_id, CASE WHEN source IN ('config', 'cli') THEN ?1 ELSE ?2 END "
        "AS mode FROM watchlist WHERE active = 1) AS tracked WHERE mode IS NOT NULL ON CONFLICT(nct_id) DO NOTHING");
    if (explicit_mode) insert->bind(1, std::string(backfill_mode_name(*explicit_mode)));
    if (discovered_mode) insert->bind(2, std::string(backfill_mode_name(*discovered_mode)));
    insert->bind(3, core::format_rfc3339(now));
    return insert->exec();
  });
}

std::vector<BackfillTask> RegistryHistory::due(core::Clock::TimePoint now, int limit) const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db,
                                   "SELECT nct_id, mode, known, fetched, failures FROM backfills WHERE done_at IS NULL "
                                   "AND next_attempt_at <= ? ORDER BY next_attempt_at, queued_at, nct_id LIMIT ?");
    query->bind(1, core::format_rfc3339(now));
    query->bind(2, limit);
    std::vector<BackfillTask> tasks;
    while (query->executeStep()) {
      auto id = core::NctId::parse(query->getColumn(0).getString());
      if (!id) continue;
      BackfillTask task{*id, BackfillMode::status, std::nullopt, 0, 0};
      task.mode = detail::parse_name(m_db, query->getColumn(1), parse_backfill_mode, "backfill mode");
      if (!query->getColumn(2).isNull()) task.known = query->getColumn(2).getInt();
      task.fetched = query->getColumn(3).getInt();
      task.failures = query->getColumn(4).getInt();
      tasks.push_back(std::move(task));
    }
    return tasks;
  });
}

void RegistryHistory::insert_events(const core::NctId& id, const PastVersion& version, std::string_view data_timestamp,
                                    const std::string& detected_at) {
  // Past events never notify: no channels.
  detail::insert_events(m_db, id.str(), detail::source_of(m_db, id.str()), version.events.events, version.events.ids,
                        {}, detected_at, std::string(data_timestamp), std::nullopt,
                        detail::RegistryOrigin{version.registry_version, version.posted_date});
}

void RegistryHistory::record_list(const core::NctId& id, const std::vector<PastVersion>& listed,
                                  std::string_view data_timestamp, core::Clock::TimePoint now) {
  detail::in_transaction(m_db, [&] {
    const auto at = core::format_rfc3339(now);
    auto insert = detail::statement(m_db,
                                    "INSERT INTO past_versions(nct_id, registry_version, posted_date, "
                                    "overall_status, fetched_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (const auto& version : listed) {
      insert->reset();
      insert->bind(1, id.str());
      insert->bind(2, version.registry_version);
      insert->bind(3, version.posted_date);
      detail::bind_optional(*insert, 4, version.overall_status);
      insert->bind(5, at);
      insert->exec();
      insert_events(id, version, data_timestamp, at);
    }
    auto known = detail::statement(m_db,
                                   "UPDATE backfills SET known = ?, failures = 0, last_error = NULL, "
                                   "done_at = CASE WHEN mode = 'status' THEN ? ELSE done_at END WHERE nct_id = ?");
    known->bind(1, static_cast<int>(listed.size()));
    known->bind(2, at);
    known->bind(3, id.str());
    known->exec();
    finish_if_complete(id.str(), at);
  });
}

void RegistryHistory::record_document(const core::NctId& id, const PastVersion& version,
                                      const std::optional<std::string>& previous, std::string_view data_timestamp,
                                      core::Clock::TimePoint now) {
  if (!version.raw_json) throw std::invalid_argument("RegistryHistory::record_document needs the document");
  detail::in_transaction(m_db, [&] {
    const auto at = core::format_rfc3339(now);
    const bool delta = previous && version.registry_version % k_standalone_every != 0;
    const std::string frame = m_codec->encode(*version.raw_json, delta ? std::string_view(*previous) : "");
    auto upsert = detail::statement(
        m_db,
        "INSERT INTO past_versions(nct_id, registry_version, posted_date, overall_status, fetched_at, hash, "
        "raw_size, base, document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT(nct_id, registry_version) DO UPDATE SET fetched_at = ?5, hash = ?6, raw_size = ?7, base = ?8, "
        "document = ?9 WHERE past_versions.document IS NULL");
    upsert->bind(1, id.str());
    upsert->bind(2, version.registry_version);
    upsert->bind(3, version.posted_date);
    detail::bind_optional(*upsert, 4, version.overall_status);
    upsert->bind(5, at);
    upsert->bind(6, version.hash);
    upsert->bind(7, static_cast<std::int64_t>(version.raw_json->size()));
    if (delta) upsert->bind(8, version.registry_version - 1);
    upsert->bind(9, frame.data(), static_cast<int>(frame.size()));
    if (upsert->exec() == 0) return;  // stored before: a re-run adds nothing
    insert_events(id, version, data_timestamp, at);
    auto fetched = detail::statement(m_db,
                                     "UPDATE backfills SET fetched = fetched + 1, failures = 0, "
                                     "last_error = NULL WHERE nct_id = ?");
    fetched->bind(1, id.str());
    fetched->exec();
    finish_if_complete(id.str(), at);
  });
}

void RegistryHistory::finish_if_complete(const std::string& nct_id, const std::string& at) {
  auto done = detail::statement(m_db,
                                "UPDATE backfills SET done_at = ?1 WHERE nct_id = ?2 AND done_at IS NULL AND known "
                                "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM past_versions WHERE nct_id = ?2 AND "
                                "document IS NULL)");
  done->bind(1, at);
  done->bind(2, nct_id);
  done->exec();
}

void RegistryHistory::postpone(const core::NctId& id, core::Clock::TimePoint at) {
  detail::in_transaction(m_db, [&] {
    auto later = detail::statement(m_db, "UPDATE backfills SET next_attempt_at = ? WHERE nct_id = ?");
    later->bind(1, core::format_rfc3339(at));
    later->bind(2, id.str());
    later->exec();
  });
}

void RegistryHistory::record_failure(const core::NctId& id, std::string_view error, core::Clock::TimePoint retry_at) {
  detail::in_transaction(m_db, [&] {
    auto failed = detail::statement(
        m_db, "UPDATE backfills SET failures = failures + 1, last_error = ?, next_attempt_at = ? WHERE nct_id = ?");
    failed->bind(1, std::string(error));
    failed->bind(2, core::format_rfc3339(retry_at));
    failed->bind(3, id.str());
    failed->exec();
  });
}

std::vector<PastVersion> RegistryHistory::versions(const core::NctId& id) const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db,
                                   "SELECT registry_version, posted_date, overall_status, hash FROM past_versions "
                                   "WHERE nct_id = ? ORDER BY registry_version");
    query->bind(1, id.str());
    std::vector<PastVersion> versions;
    while (query->executeStep()) {
      PastVersion version;
      version.registry_version = query->getColumn(0).getInt();
      version.posted_date = query->getColumn(1).getString();
      version.overall_status = text_or_empty(query->getColumn(2));
      version.hash = text_or_empty(query->getColumn(3));
      versions.push_back(std::move(version));
    }
    return versions;
  });
}

std::optional<std::string> RegistryHistory::document(const core::NctId& id, int registry_version) const {
  return detail::reading(
      m_db, [&] { return detail::decode_chain(m_db, *m_codec, detail::k_past_frames, id.str(), registry_version); });
}

void RegistryHistory::each_document(const core::NctId& id,
                                    const std::function<void(int, const std::string&)>& visit) const {
  detail::reading(m_db, [&] {
    detail::decode_all(m_db, *m_codec, detail::k_past_frames, id.str(), [&](int number, const std::string* raw) {
      if (raw != nullptr) visit(number, *raw);
    });
  });
}

BackfillProgress RegistryHistory::progress() const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(
        m_db,
        "SELECT count(*) FILTER (WHERE done_at IS NULL), coalesce(sum(known) FILTER (WHERE mode = 'full'), 0), "
        "(SELECT count(*) FROM past_versions WHERE document IS NOT NULL), "
        "count(*) FILTER (WHERE done_at IS NULL AND failures > 0), "
        "(SELECT last_error FROM backfills WHERE last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1) "
        "FROM backfills");
    BackfillProgress progress;
    if (query->executeStep()) {
      progress.waiting = query->getColumn(0).getInt();
      progress.known = query->getColumn(1).getInt();
      progress.fetched = query->getColumn(2).getInt();
      progress.failing = query->getColumn(3).getInt();
      progress.last_error = text_or_empty(query->getColumn(4));
    }
    return progress;
  });
}

}  // namespace trialwatch::store
