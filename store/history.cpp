// SPDX-License-Identifier: MIT
#include "store/history.hpp"

#include "core/event.hpp"
#include "store/detail/connection.hpp"
#include "store/detail/event_rows.hpp"
#include "store/detail/rows.hpp"
#include "store/detail/version_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <climits>
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace trialwatch::store {

using detail::bind_optional;
using detail::read_event;
using detail::text_or_empty;

namespace {

// At most this many deltas follow a standalone frame, so reading any version decodes at most 16 frames.
constexpr int k_max_delta_chain = 15;
// Documents kept between document() and the store_version() that uses them as the delta prefix.
constexpr std::size_t k_recent_bytes = 32u << 20;

}  // namespace

// The version codec and the latest documents read for a diff, which become the prefix of the next delta.
struct History::Codec {
  detail::VersionCodec codec;
  std::unordered_map<std::string, std::pair<int, std::string>> recent;  // NCT ID -> (version, exact bytes)
  std::size_t recent_bytes = 0;

  void remember(const std::string& id, int version, const std::string& raw) {
    if (recent_bytes + raw.size() > k_recent_bytes) forget_all();
    recent_bytes += raw.size();
    recent[id] = {version, raw};
  }
  std::optional<std::string> take(const std::string& id, int version) {
    const auto it = recent.find(id);
    if (it == recent.end() || it->second.first != version) return std::nullopt;
    std::string raw = std::move(it->second.second);
    recent_bytes -= raw.size();
    recent.erase(it);
    return raw;
  }
  void forget_all() {
    recent.clear();
    recent_bytes = 0;
  }
};

History::History(Database& db) : m_db(db), m_codec(std::make_unique<Codec>()) {}

History::~History() = default;

namespace {

// Return the count a `SELECT count(*) ...` gives: the room to reserve before reading a whole table.
std::size_t count_rows(const Database& db, std::string_view count_sql) {
  auto count = detail::statement(db, count_sql);
  return count->executeStep() ? static_cast<std::size_t>(count->getColumn(0).getInt64()) : 0;
}

// Add `id`, not on the watch list yet, inside the caller's transaction.
void insert_entry(Database& db, const core::NctId& id, std::string_view source, std::string_view note,
                  const std::string& at) {
  auto insert =
      detail::statement(db, "INSERT INTO watchlist(nct_id, source, note, added_at, active) VALUES (?, ?, ?, ?, 1)");
  insert->bind(1, id.str());
  insert->bind(2, std::string(source));
  insert->bind(3, std::string(note));
  insert->bind(4, at);
  insert->exec();
}

// Track `id` again, untracked before, with a new source, note and time, inside the caller's transaction.
void reactivate_entry(Database& db, const core::NctId& id, std::string_view source, std::string_view note,
                      const std::string& at) {
  auto reactivate =
      detail::statement(db, "UPDATE watchlist SET active = 1, source = ?, note = ?, added_at = ? WHERE nct_id = ?");
  reactivate->bind(1, std::string(source));
  reactivate->bind(2, std::string(note));
  reactivate->bind(3, at);
  reactivate->bind(4, id.str());
  reactivate->exec();
}

// Take `nct_id` off the watch list inside the caller's transaction; return whether it was actively tracked.
bool deactivate_entry(Database& db, const std::string& nct_id) {
  auto update = detail::statement(db, "UPDATE watchlist SET active = 0 WHERE nct_id = ? AND active = 1");
  update->bind(1, nct_id);
  return update->exec() > 0;
}

// Put `id` on the watch list inside the caller's transaction; return whether it was not actively tracked.
bool track_one(Database& db, const core::NctId& id, std::string_view source, std::string_view note,
               const std::string& at) {
  auto existing = detail::statement(db, "SELECT active FROM watchlist WHERE nct_id = ?");
  existing->bind(1, id.str());
  if (!existing->executeStep()) {
    insert_entry(db, id, source, note, at);
    return true;
  }
  if (existing->getColumn(0).getInt() != 0) return false;
  reactivate_entry(db, id, source, note, at);
  return true;
}

}  // namespace

bool History::track(const core::NctId& id, std::string_view source, std::string_view note, core::Clock::TimePoint now) {
  return detail::in_transaction(m_db, [&] { return track_one(m_db, id, source, note, core::format_rfc3339(now)); });
}

WatchListChanges History::track_exactly(const std::vector<core::NctId>& ids, std::string_view source,
                                        core::Clock::TimePoint now) {
  std::vector<core::NctId> wanted = ids;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const std::string at = core::format_rfc3339(now);
  return detail::in_transaction(m_db, [&] {
    struct Entry {
      std::string nct_id;
      bool active;
      bool from_source;
    };
    std::vector<Entry> listed;  // the whole watch list in NCT order, read once
    auto query = detail::statement(m_db, "SELECT nct_id, active, source = ? FROM watchlist ORDER BY nct_id");
    query->bind(1, std::string(source));
    while (query->executeStep())
      listed.push_back(
          Entry{query->getColumn(0).getString(), query->getColumn(1).getInt() != 0, query->getColumn(2).getInt() != 0});
    WatchListChanges changes;
    auto add = [&](const core::NctId& id) {  // new to the watch list
      insert_entry(m_db, id, source, "", at);
      changes.tracked.push_back(id);
    };
    std::size_t w = 0;
    for (const auto& entry : listed) {
      for (; w < wanted.size() && wanted[w].str() < entry.nct_id; ++w) add(wanted[w]);
      if (w < wanted.size() && wanted[w].str() == entry.nct_id) {
        if (!entry.active) {
          reactivate_entry(m_db, wanted[w], source, "", at);
          changes.tracked.push_back(wanted[w]);
        }
        ++w;
      } else if (entry.active && entry.from_source && deactivate_entry(m_db, entry.nct_id)) {
        changes.untracked.push_back(*core::NctId::parse(entry.nct_id));  // cannot fail: only parsed IDs are written
      }
    }
    for (; w < wanted.size(); ++w) add(wanted[w]);
    return changes;
  });
}

bool History::untrack(const core::NctId& id) {
  return detail::in_transaction(m_db, [&] { return deactivate_entry(m_db, id.str()); });
}

std::vector<WatchEntry> History::watchlist(bool include_inactive) const {
  auto query = detail::statement(
      m_db, include_inactive ? "SELECT nct_id, source, note, added_at, active FROM watchlist ORDER BY nct_id"
                             : "SELECT nct_id, source, note, added_at, active FROM watchlist WHERE active = 1 "
                               "ORDER BY nct_id");
  std::vector<WatchEntry> entries;
  entries.reserve(count_rows(m_db, "SELECT count(*) FROM watchlist"));
  while (query->executeStep()) {
    auto id = core::NctId::parse(query->getColumn(0).getString());
    if (!id) continue;  // cannot happen: only parsed IDs are written
    entries.push_back(WatchEntry{*id, query->getColumn(1).getString(), text_or_empty(query->getColumn(2)),
                                 query->getColumn(3).getString(), query->getColumn(4).getInt() != 0});
  }
  return entries;
}

std::vector<core::NctId> History::tracked_without_version() const {
  auto query = detail::statement(m_db,
                                 "SELECT nct_id FROM watchlist w WHERE active = 1 AND NOT EXISTS "
                                 "(SELECT 1 FROM studies s WHERE s.nct_id = w.nct_id) ORDER BY nct_id");
  std::vector<core::NctId> ids;
  while (query->executeStep())
    if (auto id = core::NctId::parse(query->getColumn(0).getString())) ids.push_back(*id);
  return ids;
}

namespace {

// Read a studies row selected as: latest_version, hash, title, overall_status, last_update_post_date,
// results_first_submit_date, results_first_post_date, has_results, reset_dates, state, alias_of (from column 0).
StoredStudy read_study(SQLite::Statement& query) {
  StoredStudy study;
  study.latest_version = query.getColumn(0).getInt();
  study.hash = text_or_empty(query.getColumn(1));
  study.summary.title = text_or_empty(query.getColumn(2));
  study.summary.overall_status = text_or_empty(query.getColumn(3));
  study.summary.last_update_post_date = text_or_empty(query.getColumn(4));
  study.summary.results_first_submit_date = text_or_empty(query.getColumn(5));
  study.summary.results_first_post_date = text_or_empty(query.getColumn(6));
  if (!query.getColumn(7).isNull()) study.summary.has_results = query.getColumn(7).getInt() != 0;
  study.summary.reset_dates = text_or_empty(query.getColumn(8));
  study.state = query.getColumn(9).getString();
  study.alias_of = text_or_empty(query.getColumn(10));
  return study;
}

// Give `codec` the dictionary `frame` names, from the `dictionaries` table: schema 7 compressed standalone frames
// with a dictionary it trained, and they stay readable (none is written any more). Throw StoreError (corrupt) with a
// sentence naming `what` when the database does not hold it.
void load_dictionary(const Database& db, detail::VersionCodec& codec, std::string_view frame, std::string_view what) {
  const std::uint32_t id = detail::VersionCodec::dictionary_of(frame);
  if (id == 0 || codec.knows_dictionary(id)) return;
  auto query = detail::statement(db, "SELECT content FROM dictionaries WHERE id = ?");
  query->bind(1, static_cast<std::int64_t>(id));
  if (!query->executeStep())
    throw StoreError(StoreError::Kind::corrupt,
                     fmt::format("the stored copy of {} needs compression dictionary {}, which the database does not "
                                 "hold; restore a backup",
                                 what, id));
  codec.add_dictionary(id, detail::blob_view(query->getColumn(0)));
}

}  // namespace

std::optional<StoredStudy> History::study(const core::NctId& id) const {
  auto query =
      detail::statement(m_db,
                        "SELECT latest_version, hash, title, overall_status, last_update_post_date, "
                        "results_first_submit_date, results_first_post_date, has_results, reset_dates, state, alias_of "
                        "FROM studies WHERE nct_id = ?");
  query->bind(1, id.str());
  if (!query->executeStep()) return std::nullopt;
  return read_study(*query);
}

const StoredStudy* StoredStudies::find(const core::NctId& id) const {
  const auto number = id.number();
  const auto at = std::lower_bound(numbers.begin(), numbers.end(), number);
  if (at == numbers.end() || *at != number) return nullptr;
  return &states[static_cast<std::size_t>(at - numbers.begin())];
}

StoredStudies History::studies() const {
  auto query = detail::statement(
      m_db,
      "SELECT latest_version, hash, title, overall_status, last_update_post_date, "
      "results_first_submit_date, results_first_post_date, has_results, reset_dates, state, alias_of, "
      "nct_id FROM studies ORDER BY nct_id");
  StoredStudies all;
  const auto rows = count_rows(m_db, "SELECT count(*) FROM studies");
  all.numbers.reserve(rows);
  all.states.reserve(rows);
  while (query->executeStep()) {
    const auto id = core::NctId::parse(query->getColumn(11).getString());
    if (!id) continue;  // the store writes canonical IDs only
    all.numbers.push_back(id->number());
    all.states.push_back(read_study(*query));
  }
  return all;
}

std::optional<std::string> History::document(const core::NctId& id, int version) const {
  const std::string nct_id = id.str();
  int number = version;
  if (number == 0) {
    auto latest = detail::statement(m_db, "SELECT max(version) FROM versions WHERE nct_id = ?");
    latest->bind(1, nct_id);
    if (!latest->executeStep() || latest->getColumn(0).isNull()) return std::nullopt;
    number = latest->getColumn(0).getInt();
  }
  auto raw = decode_version(nct_id, number);
  if (raw && version == 0) m_codec->remember(nct_id, number, *raw);
  return raw;
}

std::optional<std::string> History::decode_version(const std::string& nct_id, int number) const {
  // The chain from the nearest standalone frame up to `number`: each frame is a delta against the one before.
  auto chain = detail::statement(
      m_db,
      "SELECT version, base, document FROM versions WHERE nct_id = ?1 AND version <= ?2 AND version >= "
      "(SELECT max(version) FROM versions WHERE nct_id = ?1 AND version <= ?2 AND base IS NULL) ORDER BY version");
  chain->bind(1, nct_id);
  chain->bind(2, number);
  std::optional<std::string> raw;
  int decoded = 0;
  while (chain->executeStep()) {
    const int at = chain->getColumn(0).getInt();
    const auto base = chain->getColumn(1);
    const std::string what = fmt::format("{} version {}", nct_id, at);
    if (base.isNull() != !raw || (raw && base.getInt() != decoded))
      throw StoreError(StoreError::Kind::corrupt,
                       fmt::format("the stored copy of {} is damaged; restore a backup", what));
    const std::string_view frame = detail::blob_view(chain->getColumn(2));
    if (!raw) load_dictionary(m_db, m_codec->codec, frame, what);
    raw = m_codec->codec.decode(frame, raw ? std::string_view(*raw) : std::string_view(), what);
    decoded = at;
  }
  if (decoded != number) return std::nullopt;
  return raw;
}

std::optional<int> History::record_version(const NewVersion& version) { return record_versions({version}).front(); }

std::vector<std::optional<int>> History::record_versions(const std::vector<NewVersion>& versions) {
  return detail::in_transaction(m_db, [&] {
    std::vector<std::optional<int>> numbers;
    for (const auto& version : versions) numbers.push_back(store_version(version));
    return numbers;
  });
}

std::optional<int> History::store_version(const NewVersion& version) {
  const std::string id = version.id.str();
  int number = 1;
  {
    auto latest = detail::statement(m_db, "SELECT latest_version, hash FROM studies WHERE nct_id = ?");
    latest->bind(1, id);
    if (latest->executeStep()) {
      if (text_or_empty(latest->getColumn(1)) == version.hash) return std::nullopt;
      number = latest->getColumn(0).getInt() + 1;
    }
  }
  const std::string fetched_at = core::format_rfc3339(version.fetched_at);
  const std::optional<std::string> previous = delta_base(id, number);
  const std::string blob = m_codec->codec.encode(version.raw_json, previous ? *previous : std::string_view());
  auto insert = detail::statement(
      m_db,
      "INSERT INTO versions(nct_id, version, fetched_at, data_timestamp, last_update_post_date, hash, "
      "raw_size, document, base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert->bind(1, id);
  insert->bind(2, number);
  insert->bind(3, fetched_at);
  insert->bind(4, version.data_timestamp);
  bind_optional(*insert, 5, version.summary.last_update_post_date);
  insert->bind(6, version.hash);
  insert->bind(7, static_cast<int64_t>(version.raw_json.size()));
  insert->bind(8, blob.data(), static_cast<int>(blob.size()));
  if (previous) insert->bind(9, number - 1);
  insert->exec();

  auto change = detail::statement(
      m_db, "INSERT INTO field_changes(nct_id, version, seq, op, path, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (std::size_t i = 0; i < version.changes.size(); ++i) {
    const auto& c = version.changes[i];
    change->reset();
    change->clearBindings();
    change->bind(1, id);
    change->bind(2, number);
    change->bind(3, static_cast<int>(i));
    change->bind(4, std::string(core::field_op_name(c.op)));
    change->bind(5, c.path);
    bind_optional(*change, 6, c.old_json);
    bind_optional(*change, 7, c.new_json);
    change->exec();
  }
  detail::insert_events(m_db, id, detail::source_of(m_db, id), version.events, version.event_ids, version.channels,
                        fetched_at, version.data_timestamp, number);

  auto upsert = detail::statement(
      m_db,
      "INSERT INTO studies(nct_id, latest_version, hash, title, overall_status, last_update_post_date, "
      "results_first_submit_date, results_first_post_date, has_results, reset_dates, state, alias_of) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'present', NULL) "
      "ON CONFLICT(nct_id) DO UPDATE SET latest_version = excluded.latest_version, hash = excluded.hash, "
      "title = excluded.title, overall_status = excluded.overall_status, "
      "last_update_post_date = excluded.last_update_post_date, "
      "results_first_submit_date = excluded.results_first_submit_date, "
      "results_first_post_date = excluded.results_first_post_date, has_results = excluded.has_results, "
      "reset_dates = excluded.reset_dates, state = 'present', alias_of = NULL");
  const auto& s = version.summary;
  upsert->bind(1, id);
  upsert->bind(2, number);
  upsert->bind(3, version.hash);
  bind_optional(*upsert, 4, s.title);
  bind_optional(*upsert, 5, s.overall_status);
  bind_optional(*upsert, 6, s.last_update_post_date);
  bind_optional(*upsert, 7, s.results_first_submit_date);
  bind_optional(*upsert, 8, s.results_first_post_date);
  if (s.has_results) upsert->bind(9, *s.has_results ? 1 : 0);
  bind_optional(*upsert, 10, s.reset_dates);
  upsert->exec();
  return number;
}

std::optional<std::string> History::delta_base(const std::string& nct_id, int number) {
  if (number == 1) return std::nullopt;
  auto keyframe = detail::statement(m_db, "SELECT max(version) FROM versions WHERE nct_id = ? AND base IS NULL");
  keyframe->bind(1, nct_id);
  if (!keyframe->executeStep() || keyframe->getColumn(0).isNull()) return std::nullopt;
  if (number - keyframe->getColumn(0).getInt() > k_max_delta_chain) return std::nullopt;  // start a new chain
  if (auto cached = m_codec->take(nct_id, number - 1)) return cached;
  return decode_version(nct_id, number - 1);
}

int History::record_study_state(const core::NctId& id, std::string_view state, std::string_view alias_of,
                                const std::vector<core::ChangeEvent>& events, const std::vector<std::string>& event_ids,
                                std::string_view data_timestamp, core::Clock::TimePoint now,
                                const std::vector<std::vector<std::string>>& channels) {
  return detail::in_transaction(m_db, [&] {
    auto upsert =
        detail::statement(m_db,
                          "INSERT INTO studies(nct_id, latest_version, state, alias_of) VALUES (?, 0, ?, ?) "
                          "ON CONFLICT(nct_id) DO UPDATE SET state = excluded.state, alias_of = excluded.alias_of");
    upsert->bind(1, id.str());
    upsert->bind(2, std::string(state));
    bind_optional(*upsert, 3, std::string(alias_of));
    upsert->exec();
    std::optional<int> version;
    auto latest = detail::statement(m_db, "SELECT latest_version FROM studies WHERE nct_id = ? AND latest_version > 0");
    latest->bind(1, id.str());
    if (latest->executeStep()) version = latest->getColumn(0).getInt();
    return detail::insert_events(m_db, id.str(), detail::source_of(m_db, id.str()), events, event_ids, channels,
                                 core::format_rfc3339(now), std::string(data_timestamp), version);
  });
}

std::vector<StoredEvent> History::events(int limit) const {
  auto query = detail::statement(
      m_db,
      "SELECT id, nct_id, type, detected_at, data_timestamp, version, provenance, path, old, new, summary, "
      "source FROM events ORDER BY detected_at DESC, rowid DESC LIMIT ?");
  query->bind(1, limit);
  std::vector<StoredEvent> events;
  while (query->executeStep()) events.push_back(read_event(*query));
  return events;
}

std::int64_t History::begin_run(core::Clock::TimePoint now) {
  return detail::in_transaction(m_db, [&] {
    auto insert = detail::statement(m_db, "INSERT INTO runs(started_at, outcome) VALUES (?, 'running')");
    insert->bind(1, core::format_rfc3339(now));
    insert->exec();
    return detail::connection(m_db).getLastInsertRowid();
  });
}

void History::finish_run(const RunRecord& run) {
  detail::in_transaction(m_db, [&] {
    auto update =
        detail::statement(m_db,
                          "UPDATE runs SET finished_at = ?, outcome = ?, data_timestamp = ?, requests = ?, bytes = ?, "
                          "checked = ?, fetched = ?, changed = ?, events = ?, error = ? WHERE id = ?");
    update->bind(1, run.finished_at);
    update->bind(2, run.outcome);
    bind_optional(*update, 3, run.data_timestamp);
    update->bind(4, run.requests);
    update->bind(5, static_cast<int64_t>(run.bytes));
    update->bind(6, run.checked);
    update->bind(7, run.fetched);
    update->bind(8, run.changed);
    update->bind(9, run.events);
    bind_optional(*update, 10, run.error);
    update->bind(11, run.id);
    update->exec();
  });
}

std::optional<RunRecord> History::last_run() const {
  auto query = detail::statement(
      m_db,
      "SELECT id, started_at, finished_at, outcome, data_timestamp, requests, bytes, checked, fetched, "
      "changed, events, error FROM runs ORDER BY id DESC LIMIT 1");
  if (!query->executeStep()) return std::nullopt;
  return detail::read_run(*query);
}

std::optional<std::string> History::completed_data_timestamp() const {
  return m_db.get_meta("completed_data_timestamp");
}

void History::set_completed_data_timestamp(std::string_view token) { m_db.set_meta("completed_data_timestamp", token); }

std::optional<std::string> History::last_reconcile() const { return m_db.get_meta("last_reconcile"); }

void History::set_last_reconcile(core::Clock::TimePoint at) {
  m_db.set_meta("last_reconcile", core::format_rfc3339(at));
}

}  // namespace trialwatch::store
