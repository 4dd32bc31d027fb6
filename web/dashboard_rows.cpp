// SPDX-License-Identifier: MIT
#include "web/dashboard_rows.hpp"

#include "report/results.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <utility>

namespace trialwatch::web {

namespace {

// Where a row sorts for attention: overdue first, then due soon, then the rest.
int attention_rank(const DashboardRow& row) {
  if (!row.due) return 3;
  if (row.due->state == diff::ResultsState::overdue) return 0;
  if (row.due->state == diff::ResultsState::due_soon) return 1;
  return 2;
}

// Return `rows`' indexes in the order `sort` names, ties in the order `ties` gives (NCT order when empty).
std::vector<std::size_t> ordered(const std::vector<DashboardRow>& rows, std::string_view sort,
                                 std::vector<std::size_t> order) {
  if (order.empty()) {
    order.resize(rows.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
  }
  const auto by = [&](auto key) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(rows[a]) < key(rows[b]); });
  };
  const std::string none = "~";  // after every date
  if (sort == "updated") {       // newest update first
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return rows[a].study.summary.last_update_post_date > rows[b].study.summary.last_update_post_date;
    });
  } else if (sort == "due") {  // earliest due date first, those without one last
    by([&](const DashboardRow& r) {
      const bool without = !r.due || r.due->due_date.empty();
      return std::pair(without, std::string_view(without ? none : r.due->due_date));
    });
  } else if (sort == "attention") {
    by([&](const DashboardRow& r) {
      return std::pair(attention_rank(r), std::string_view(r.due && !r.due->due_date.empty() ? r.due->due_date : none));
    });
  }  // "study": NCT order, as read
  return order;
}

}  // namespace

std::string_view results_state_of(const DashboardRow& row) {
  return row.due ? diff::results_state_name(row.due->state) : std::string_view("none");
}

DashboardRows read_dashboard_rows(store::Database& db, std::chrono::sys_days today, diff::DueAfter due_after) {
  DashboardRows out;
  const auto results = report::tracked_results(db, today, due_after);
  std::set<std::string> statuses;
  for (auto& study : store::Queries(db).watched()) {
    const auto* due = report::results_of(results, study.entry.id);
    if (!study.summary.overall_status.empty()) statuses.insert(study.summary.overall_status);
    out.rows.push_back(DashboardRow{std::move(study), due ? std::optional(*due) : std::nullopt});
  }
  out.statuses.assign(statuses.begin(), statuses.end());
  // The page sorts for attention first, so every other sort breaks its ties in that order.
  out.orders[0] = ordered(out.rows, k_dashboard_sorts[0], {});
  for (std::size_t i = 1; i < out.orders.size(); ++i)
    out.orders[i] = ordered(out.rows, k_dashboard_sorts[i],
                            k_dashboard_sorts[i] == "study" ? std::vector<std::size_t>{} : out.orders[0]);
  return out;
}

std::shared_ptr<const DashboardRows> DashboardCache::rows(store::Database& db, const std::filesystem::path& path,
                                                          std::chrono::sys_days today, diff::DueAfter due_after) {
  const std::lock_guard lock(m_mutex);
  const Key key{DatabaseStamp::of(path), today.time_since_epoch().count(), due_after.months};
  if (m_rows && m_key == key) return m_rows;
  // Looked at before reading: a write after this changes the key, and the next request reads again.
  const auto looked_at = std::chrono::system_clock::now();
  auto rows = std::make_shared<const DashboardRows>(read_dashboard_rows(db, today, due_after));
  if (key.stamp.settled(looked_at)) {
    m_key = key;
    m_rows = rows;
  } else {
    m_key.reset();
    m_rows.reset();
  }
  return rows;
}

}  // namespace trialwatch::web
