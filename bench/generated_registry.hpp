// SPDX-License-Identifier: MIT
// A registry of N studies generated from the recorded documents, with a day-by-day change model, compact enough to
// serve 100,000 studies from memory (issue #8's scale benchmark).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace trialwatch::bench {

// What one registry day changed.
struct DayChanges {
  std::size_t sponsor_updates = 0;  // status, date slip, enrollment, new site, results submitted or posted
  std::size_t reprocessed = 0;      // registry-side edits with no sponsor update
  std::size_t first_posted = 0;     // new studies (not tracked by the benchmark)
};

// The change model: shares of the studies edited per weekday (docs/registry-api.md: ~3,000 sponsor updates a weekday
// in ~600,000 studies is 0.5 %).
struct ChangeModel {
  double sponsor_updates = 0.005;
  double reprocessed = 0.02;
  double first_posted = 0.0002;
};

// N studies: copies of the recorded documents (registry-sized mix, renumbered NCT IDs) that stay as compact
// references to their template until a day edits them. Not thread-safe: the server locks around it.
class GeneratedRegistry {
 public:
  // Generate `n` studies from the recorded documents under `data_dir`, with `seed` for the change model.
  GeneratedRegistry(const std::filesystem::path& data_dir, std::size_t n, std::uint64_t seed, ChangeModel model = {});
  ~GeneratedRegistry();
  GeneratedRegistry(const GeneratedRegistry&) = delete;
  GeneratedRegistry& operator=(const GeneratedRegistry&) = delete;

  // The dataTimestamp GET /version reports.
  const std::string& data_timestamp() const noexcept { return m_data_timestamp; }
  // The NCT IDs of the first `n` studies generated (the ones a benchmark tracks).
  std::vector<std::string> ids(std::size_t n) const;
  // The mean size of a study document, in bytes, and the total.
  double mean_bytes() const;

  // Publish the next weekday: new dataTimestamp, every versionHolder rewritten, and the model's edits.
  DayChanges advance_day();

  // The full document of `id` as served today, or nothing.
  std::optional<std::string> document(const std::string& id) const;
  // The watermark projection of `id` (NCTId, LastUpdatePostDate, OverallStatus, HasResults, results dates,
  // unposted events), or nothing.
  std::optional<std::string> watermark(const std::string& id) const;

 private:
  struct Template;
  struct Study;
  void edit_sponsor(Study& study);
  void edit_reprocess(Study& study);
  std::string current_text(const Study& study) const;

  std::vector<Template> m_templates;
  std::vector<Study> m_studies;
  std::unordered_map<std::string, std::size_t> m_index;
  std::string m_results_donor;  // a real resultsSection (JSON text) for studies whose results get posted
  ChangeModel m_model;
  std::mt19937_64 m_random;
  int m_day = 0;
  std::string m_date;  // yyyy-MM-dd of the current day
  std::string m_data_timestamp;
};

}  // namespace trialwatch::bench
