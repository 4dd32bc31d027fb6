// SPDX-License-Identifier: MIT
// The dashboard's rows: every tracked study read and judged once, and kept while the database does not change.
#pragma once

#include "diff/results_due.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"

#include "web/page_cache.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::web {

// The sorts the dashboard offers, the first its default: what needs attention first, NCT order, newest update
// first, earliest due date first.
inline constexpr std::string_view k_dashboard_sorts[] = {"attention", "study", "updated", "due"};

// One tracked study as the dashboard sorts and filters it: its entry and summary (no version count, no last event)
// and what the results due rule says of it (nothing before its dates were read).
struct DashboardRow {
  store::ListedStudy study;
  std::optional<diff::ResultsDue> due;
};

// Every tracked study's row, read and judged for one day, with the orders the dashboard shows them in. Plain data.
struct DashboardRows {
  std::vector<DashboardRow> rows;                  // NCT order
  std::vector<std::string> statuses;               // the overall statuses among them, sorted, each once
  std::array<std::vector<std::size_t>, 4> orders;  // indexes into rows, one list per k_dashboard_sorts entry
};

// Return the results state a row filters by: the rule's state name, or "none" before its dates were read.
std::string_view results_state_of(const DashboardRow& row);

// Return the rows of `db` judged on `today` under `due_after`, read now.
DashboardRows read_dashboard_rows(store::Database& db, std::chrono::sys_days today, diff::DueAfter due_after);

// The dashboard's rows kept between requests, one set at a time: read again when the database file or its WAL
// changed (size or modification time), the day turned or the due rule differs. Safe to use from many threads;
// one reads while the others wait for its rows.
class DashboardCache {
 public:
  // Return the rows of `db`, the database at `path` opened for this request, on `today` under `due_after`: the kept
  // ones when nothing changed since they were read, else read now (and kept).
  std::shared_ptr<const DashboardRows> rows(store::Database& db, const std::filesystem::path& path,
                                            std::chrono::sys_days today, diff::DueAfter due_after);

  // What the kept rows were read under: the database's stamp, the day and the rule.
  struct Key {
    DatabaseStamp stamp;
    std::int64_t day = 0;
    int due_months = 0;
    bool operator==(const Key&) const = default;
  };

 private:
  std::mutex m_mutex;
  std::optional<Key> m_key;
  std::shared_ptr<const DashboardRows> m_rows;
};

}  // namespace trialwatch::web
