// SPDX-License-Identifier: MIT
#include "store/deadlines.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/event_rows.hpp"
#include "store/detail/rows.hpp"

#include <array>

namespace trialwatch::store {

namespace {

// The actively tracked studies that have a version, joined with their due dates where read.
constexpr const char* k_tracked_join =
    "FROM watchlist w JOIN studies s ON s.nct_id = w.nct_id LEFT JOIN due_facts d ON d.nct_id = w.nct_id "
    "WHERE w.active = 1 AND s.latest_version > 0 AND s.state = 'present'";

// The columns of due_facts after nct_id and version, in order.
template <typename Facts>
auto fields_of(Facts& facts) {
  return std::array{&facts.overall_status,          &facts.primary_completion.date, &facts.primary_completion.type,
                    &facts.completion.date,         &facts.completion.type,         &facts.results_first_submit_date,
                    &facts.results_first_post_date, &facts.certification_date};
}

// The columns read() reads: the study, the version read, its dates (fields_of() order), why it is tracked.
constexpr const char* k_due_columns =
    "SELECT w.nct_id, d.version, d.overall_status, d.primary_completion, d.primary_completion_type, d.completion, "
    "d.completion_type, d.results_first_submit_date, d.results_first_post_date, d.certification_date, w.source ";

}  // namespace

std::vector<StaleDueDates> Deadlines::stale(int limit) const {
  return detail::reading(m_db, [&] {
    static const std::string sql = std::string("SELECT w.nct_id, s.latest_version, d.version IS NULL ") +
                                   k_tracked_join +
                                   " AND (d.version IS NULL OR d.version < s.latest_version) ORDER BY w.nct_id LIMIT ?";
    auto query = detail::statement(m_db, sql);
    query->bind(1, limit);
    std::vector<StaleDueDates> stale;
    while (query->executeStep())
      if (auto id = core::NctId::parse(query->getColumn(0).getString()))
        stale.push_back({*id, query->getColumn(1).getInt(), query->getColumn(2).getInt() != 0});
    return stale;
  });
}

void Deadlines::record(const std::vector<DueDates>& dates) {
  if (dates.empty()) return;
  detail::in_transaction(m_db, [&] {
    auto upsert = detail::statement(
        m_db,
        "INSERT INTO due_facts(nct_id, version, overall_status, "
        "primary_completion, primary_completion_type, completion, completion_type, "
        "results_first_submit_date, results_first_post_date, certification_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(nct_id) DO UPDATE SET "
        "version = excluded.version, overall_status = excluded.overall_status, "
        "primary_completion = excluded.primary_completion, primary_completion_type = excluded.primary_completion_type, "
        "completion = excluded.completion, completion_type = excluded.completion_type, "
        "results_first_submit_date = excluded.results_first_submit_date, "
        "results_first_post_date = excluded.results_first_post_date, certification_date = excluded.certification_date");
    for (const auto& due : dates) {
      upsert->reset();
      upsert->bind(1, due.id.str());
      upsert->bind(2, due.version);
      int column = 3;
      for (const std::string* text : fields_of(due.facts)) upsert->bind(column++, *text);
      upsert->exec();
    }
  });
}

std::vector<DueDates> Deadlines::tracked() const {
  static const std::string sql =
      std::string(k_due_columns) + k_tracked_join + " AND d.version IS NOT NULL ORDER BY w.nct_id";
  return read(sql);
}

std::vector<DueDates> Deadlines::owing() const {
  static const std::string sql = std::string(k_due_columns) + k_tracked_join +
                                 " AND d.version IS NOT NULL AND d.results_first_submit_date = '' AND "
                                 "d.results_first_post_date = '' AND d.overall_status <> 'WITHDRAWN' ORDER BY w.nct_id";
  return read(sql);
}

std::vector<DueDates> Deadlines::read(std::string_view sql) const {
  return detail::reading(m_db, [&] {
    auto query = detail::statement(m_db, sql);
    std::vector<DueDates> all;
    while (query->executeStep()) {
      auto id = core::NctId::parse(query->getColumn(0).getString());
      if (!id) continue;
      DueDates due(*id);
      due.version = query->getColumn(1).getInt();
      int column = 2;
      for (std::string* text : fields_of(due.facts)) *text = query->getColumn(column++).getString();
      due.source = query->getColumn(column).getString();
      all.push_back(std::move(due));
    }
    return all;
  });
}

std::vector<std::size_t> Deadlines::record_events(const std::vector<DeadlineEvent>& events,
                                                  std::string_view data_timestamp, core::Clock::TimePoint now) {
  if (events.empty()) return {};
  return detail::in_transaction(m_db, [&] {
    const auto at = core::format_rfc3339(now);
    std::vector<std::size_t> added;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& item = events[i];
      if (detail::insert_events(m_db, item.id.str(), item.source, {item.event}, {item.event_id}, {item.channels}, at,
                                std::string(data_timestamp), item.version) > 0)
        added.push_back(i);
    }
    return added;
  });
}

}  // namespace trialwatch::store
