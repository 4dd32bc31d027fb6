// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/registry.hpp"

#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/history.hpp"

#include <fstream>
#include <sstream>

namespace trialwatch::fakeregistry {

void RegistryData::put(Json study) {
  const std::string id = edits::nct_id_of(study);
  m_studies.insert_or_assign(id, std::move(study));
}

bool RegistryData::remove(const std::string& nct_id) { return m_studies.erase(nct_id) > 0; }

void RegistryData::add_alias(const std::string& alias, const std::string& canonical) {
  m_aliases[alias] = canonical;
  m_studies.erase(alias);
  if (Json* study = find_mutable(canonical)) {
    Json& identification = study->ensure_path("protocolSection.identificationModule");
    Json* aliases = identification.find("nctIdAliases");
    if (aliases == nullptr || !aliases->is_array()) aliases = &identification.set("nctIdAliases", Json::array());
    aliases->push_back(Json::string(alias));
  }
}

const Json* RegistryData::find(const std::string& nct_id) const {
  const auto it = m_studies.find(nct_id);
  return it == m_studies.end() ? nullptr : &it->second;
}

Json* RegistryData::find_mutable(const std::string& nct_id) {
  const auto it = m_studies.find(nct_id);
  return it == m_studies.end() ? nullptr : &it->second;
}

std::optional<std::string> RegistryData::canonical_of(const std::string& alias) const {
  const auto it = m_aliases.find(alias);
  if (it == m_aliases.end()) return std::nullopt;
  return it->second;
}

ScenarioDay& ScenarioDay::put(Json study) {
  changes.push_back([study = std::move(study)](RegistryData& data) { data.put(study); });
  return *this;
}

ScenarioDay& ScenarioDay::edit(std::string nct_id, std::function<void(Json&)> edit) {
  changes.push_back([nct_id = std::move(nct_id), edit = std::move(edit)](RegistryData& data) {
    Json* study = data.find_mutable(nct_id);
    if (study == nullptr) throw JsonError("scenario edits " + nct_id + ", which the registry does not hold that day");
    edit(*study);
  });
  return *this;
}

ScenarioDay& ScenarioDay::remove(std::string nct_id) {
  changes.push_back([nct_id = std::move(nct_id)](RegistryData& data) { data.remove(nct_id); });
  return *this;
}

ScenarioDay& ScenarioDay::alias(std::string alias, std::string canonical) {
  changes.push_back([alias = std::move(alias), canonical = std::move(canonical)](RegistryData& data) {
    data.add_alias(alias, canonical);
  });
  return *this;
}

RegistryData Scenario::state_at(int day, const std::function<void(const RegistryData&)>& seen) const {
  RegistryData data = base;
  if (seen) seen(data);
  for (int i = 0; i <= day && i < static_cast<int>(days.size()); ++i) {
    const ScenarioDay& refresh = days[static_cast<std::size_t>(i)];
    for (const auto& change : refresh.changes) change(data);
    data.data_timestamp = refresh.data_timestamp;
    if (refresh.touch_version_holders) {
      const std::string date = refresh.data_timestamp.substr(0, 10);
      for (const auto& [id, study] : data.studies()) edits::set_version_holder(*data.find_mutable(id), date);
    }
    if (seen) seen(data);
  }
  return data;
}

Json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JsonError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return Json::parse(text.str());
  } catch (const JsonError& e) {
    throw JsonError(path.string() + ": " + e.what());
  }
}

namespace {

std::string version_holder_of(const Json& study) {
  const Json* holder = study.at_path("derivedSection.miscInfoModule.versionHolder");
  return holder != nullptr && holder->is_string() ? holder->text() : std::string();
}

void load_folder(const std::filesystem::path& dir, RegistryData& data) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    Json study = read_json_file(file);
    if (!study.is_object() || study.find("protocolSection") == nullptr) continue;
    const Json* existing = data.find(edits::nct_id_of(study));
    if (existing != nullptr && version_holder_of(*existing) >= version_holder_of(study)) continue;
    data.put(std::move(study));
  }
}

}  // namespace

RegistryData load_documents(const std::filesystem::path& dir) {
  RegistryData data;
  bool found_subfolder = false;
  for (const char* sub : {"studies", "constructed"}) {
    if (std::filesystem::is_directory(dir / sub)) {
      load_folder(dir / sub, data);
      found_subfolder = true;
    }
  }
  if (!found_subfolder) load_folder(dir, data);
  if (std::filesystem::is_directory(dir / "history")) load_recorded_history(dir / "history", data);
  const auto version = dir / "api" / "version.2026-08-19.json";
  if (std::filesystem::exists(version)) {
    const Json v = read_json_file(version);
    if (const Json* ts = v.find("dataTimestamp")) data.data_timestamp = ts->text();
  }
  return data;
}

}  // namespace trialwatch::fakeregistry
