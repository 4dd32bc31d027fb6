// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/json.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trialwatch::fakeregistry {

// The registry's data at one moment: the current study documents, the aliases of merged records and the
// dataTimestamp of the refresh that produced them.
class RegistryData {
 public:
  // Store `study` under its identificationModule.nctId, replacing any earlier document.
  void put(Json study);
  // Remove the study `nct_id`; return whether it existed.
  bool remove(const std::string& nct_id);
  // Make `alias` an alias of `canonical` (listed in its nctIdAliases; /studies/{alias} answers 301).
  void add_alias(const std::string& alias, const std::string& canonical);

  // Return the document of `nct_id`, or nullptr.
  const Json* find(const std::string& nct_id) const;
  // Return the document of `nct_id` for editing, or nullptr.
  Json* find_mutable(const std::string& nct_id);
  // Return the canonical ID that `alias` points to, if it is an alias.
  std::optional<std::string> canonical_of(const std::string& alias) const;
  // Return every study, ordered by NCT ID.
  const std::map<std::string, Json>& studies() const noexcept { return m_studies; }

  // The token GET /version reports.
  std::string data_timestamp = "2026-08-19T09:00:06";
  // Recorded website versions of a study (/history/{n} bodies as served, version 0 first), listed before the
  // versions the scenario's days make.
  std::map<std::string, std::vector<std::string>> recorded_history;
  // Studies whose website history is empty (`"changes":[]`), as the real one of NCT02020174 was.
  std::set<std::string> without_history;

 private:
  std::map<std::string, Json> m_studies;
  std::map<std::string, std::string> m_aliases;
};

// One registry refresh ("day"): a new dataTimestamp and the changes published with it.
struct ScenarioDay {
  // The dataTimestamp of this refresh, e.g. "2026-08-20T09:00:04".
  std::string data_timestamp;
  // Whether every study's versionHolder is rewritten to the refresh date, as the real registry does.
  bool touch_version_holders = true;
  // The changes, applied in order.
  std::vector<std::function<void(RegistryData&)>> changes;

  // Add a change that stores `study` (new or replacing).
  ScenarioDay& put(Json study);
  // Add a change that edits the study `nct_id` with `edit`; the study must exist on that day.
  ScenarioDay& edit(std::string nct_id, std::function<void(Json&)> edit);
  // Add a change that removes the study `nct_id`.
  ScenarioDay& remove(std::string nct_id);
  // Add a change that makes `alias` an alias of `canonical` and removes the alias's own record.
  ScenarioDay& alias(std::string alias, std::string canonical);
};

// A sequence of registry days over a base set of documents; day 0 is the base with the first day applied.
struct Scenario {
  // The documents present before the first day.
  RegistryData base;
  // The refreshes, in order.
  std::vector<ScenarioDay> days;

  // Return the registry as it is after days [0, `day`] were applied (day < 0: the base alone); `seen`, when given,
  // is shown the base and the state after each day applied.
  RegistryData state_at(int day, const std::function<void(const RegistryData&)>& seen = {}) const;
};

// Load every study document (*.json with a protocolSection) from `dir`'s studies/ and constructed/ folders,
// or from `dir` itself when it has neither; of several versions of one study keep the newest versionHolder. The
// recorded website versions in `dir`/history (NCT….history-vN.json) become recorded_history.
RegistryData load_documents(const std::filesystem::path& dir);

// Read and parse the JSON file at `path`; throw JsonError naming the file.
Json read_json_file(const std::filesystem::path& path);

// Load a scenario directory: `scenario.json` names the base documents and the days (see docs/fake-registry.md).
Scenario load_scenario(const std::filesystem::path& dir);

}  // namespace trialwatch::fakeregistry
