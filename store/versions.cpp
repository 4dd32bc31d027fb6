// SPDX-License-Identifier: MIT
#include "store/versions.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/event_rows.hpp"
#include "store/detail/rows.hpp"
#include "store/detail/version_chain.hpp"
#include "store/detail/version_codec.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::store {

using detail::bind_optional;
using detail::text_or_empty;

namespace {

// At most this many deltas follow a standalone frame, so reading any version decodes at most 16 frames.
constexpr int k_max_delta_chain = 15;

// Read a studies row of `db` selected as: latest_version, hash, title, overall_status, last_update_post_date,
// results_first_submit_date, results_first_post_date, has_results, reset_dates, state, alias_of (from column 0).
StoredStudy read_study(const Database& db, detail::Statement& query) {
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
  study.state = detail::parse_name(db, query.getColumn(9), parse_study_state, "study state");
  study.alias_of = text_or_empty(query.getColumn(10));
  return study;
}

// Return the number of the latest stored version of `nct_id`, or nothing if none was stored.
std::optional<int> latest_number(const Database& db, const std::string& nct_id) {
  auto latest = detail::statement(db, "SELECT max(version) FROM versions WHERE nct_id = ?");
  latest->bind(1, nct_id);
  if (!latest->executeStep() || latest->getColumn(0).isNull()) return std::nullopt;
  return latest->getColumn(0).getInt();
}

}  // namespace

std::string_view study_state_name(StudyState state) noexcept {
  switch (state) {
    case StudyState::present:
      return "present";
    case StudyState::removed:
      return "removed";
    case StudyState::aliased:
      return "aliased";
    case StudyState::not_found:
      return "not_found";
  }
  return "unknown";
}

std::optional<StudyState> parse_study_state(std::string_view name) noexcept {
  for (const auto state : {StudyState::present, StudyState::removed, StudyState::aliased, StudyState::not_found})
    if (study_state_name(state) == name) return state;
  return std::nullopt;
}

const StoredStudy* StoredStudies::find(const core::NctId& id) const {
  const auto number = id.number();
  const auto at = std::lower_bound(numbers.begin(), numbers.end(), number);
  if (at == numbers.end() || *at != number) return nullptr;
  return &states[static_cast<std::size_t>(at - numbers.begin())];
}

Versions::Versions(Database& db) : m_db(db), m_codec(std::make_unique<detail::VersionCodec>()) {}

Versions::~Versions() = default;

StoredStudies Versions::studies() const {
  return detail::reading(m_db, [&] {
    StoredStudies all;
    const auto rows = detail::count_rows(m_db, "SELECT count(*) FROM studies");
    all.numbers.reserve(rows);
    all.states.reserve(rows);
    auto query = detail::statement(
        m_db,
        "SELECT latest_version, hash, title, overall_status, last_update_post_date, results_first_submit_date, "
        "results_first_post_date, has_results, reset_dates, state, alias_of, nct_id FROM studies ORDER BY nct_id");
    while (query->executeStep()) {
      const auto id = core::NctId::parse(query->getColumn(11).getString());
      if (!id) continue;  // the store writes canonical IDs only
      all.numbers.push_back(id->number());
      all.states.push_back(read_study(m_db, *query));
    }
    return all;
  });
}

std::optional<StoredStudy> Versions::study(const core::NctId& id) const {
  return detail::reading(m_db, [&]() -> std::optional<StoredStudy> {
    auto query = detail::statement(
        m_db,
        "SELECT latest_version, hash, title, overall_status, last_update_post_date, results_first_submit_date, "
        "results_first_post_date, has_results, reset_dates, state, alias_of FROM studies WHERE nct_id = ?");
    query->bind(1, id.str());
    if (!query->executeStep()) return std::nullopt;
    return read_study(m_db, *query);
  });
}

std::optional<StoredDocument> Versions::latest(const core::NctId& id) const {
  return detail::reading(m_db, [&]() -> std::optional<StoredDocument> {
    const std::string nct_id = id.str();
    const auto number = latest_number(m_db, nct_id);
    if (!number) return std::nullopt;
    auto raw = decode_version(nct_id, *number);
    if (!raw) return std::nullopt;
    return StoredDocument{*number, std::move(*raw)};
  });
}

std::optional<std::string> Versions::document(const core::NctId& id, int version) const {
  return detail::reading(m_db, [&] { return decode_version(id.str(), version); });
}

void Versions::each_document(const core::NctId& id, const std::function<void(int, const std::string&)>& visit) const {
  detail::reading(m_db, [&] {
    detail::decode_all(m_db, *m_codec, detail::k_live_frames, id.str(), [&](int number, const std::string* raw) {
      if (raw != nullptr) visit(number, *raw);
    });
  });
}

std::optional<std::string> Versions::decode_version(const std::string& nct_id, int number) const {
  return detail::decode_chain(m_db, *m_codec, detail::k_live_frames, nct_id, number);
}

std::optional<int> Versions::record_version(const NewVersion& version) { return record_versions({version}).front(); }

std::vector<std::optional<int>> Versions::record_versions(const std::vector<NewVersion>& versions) {
  return detail::in_transaction(m_db, [&] {
    std::vector<std::optional<int>> numbers;
    for (const auto& version : versions) numbers.push_back(store_version(version));
    return numbers;
  });
}

std::optional<int> Versions::store_version(const NewVersion& version) {
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
  const std::optional<std::string> previous = delta_base(version, id, number);
  const std::string blob = m_codec->encode(version.raw_json, previous ? *previous : std::string_view());
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
  insert->bind(7, static_cast<std::int64_t>(version.raw_json.size()));
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

std::optional<std::string> Versions::delta_base(const NewVersion& version, const std::string& nct_id,
                                                int number) const {
  if (number == 1) return std::nullopt;
  auto keyframe = detail::statement(m_db, "SELECT max(version) FROM versions WHERE nct_id = ? AND base IS NULL");
  keyframe->bind(1, nct_id);
  if (!keyframe->executeStep() || keyframe->getColumn(0).isNull()) return std::nullopt;
  if (number - keyframe->getColumn(0).getInt() > k_max_delta_chain) return std::nullopt;  // start a new chain
  if (const auto& given = version.previous; given && given->version == number - 1) {
    // The caller's copy is used only if its size is the stored one's: a delta against other bytes would be lost.
    auto size = detail::statement(m_db, "SELECT raw_size FROM versions WHERE nct_id = ? AND version = ?");
    size->bind(1, nct_id);
    size->bind(2, number - 1);
    if (size->executeStep() && size->getColumn(0).getInt64() == static_cast<std::int64_t>(given->raw_json.size()))
      return given->raw_json;
  }
  return decode_version(nct_id, number - 1);
}

int Versions::record_study_state(const core::NctId& id, StudyState state, std::string_view alias_of,
                                 const std::vector<core::ChangeEvent>& events,
                                 const std::vector<std::string>& event_ids, std::string_view data_timestamp,
                                 core::Clock::TimePoint now, const std::vector<std::vector<std::string>>& channels) {
  return detail::in_transaction(m_db, [&] {
    auto upsert =
        detail::statement(m_db,
                          "INSERT INTO studies(nct_id, latest_version, state, alias_of) VALUES (?, 0, ?, ?) "
                          "ON CONFLICT(nct_id) DO UPDATE SET state = excluded.state, alias_of = excluded.alias_of");
    upsert->bind(1, id.str());
    upsert->bind(2, std::string(study_state_name(state)));
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

}  // namespace trialwatch::store
