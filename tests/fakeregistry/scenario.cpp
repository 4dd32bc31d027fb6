// SPDX-License-Identifier: MIT
// Loading a scenario directory: scenario.json names the base documents and the registry days.
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <algorithm>

namespace trialwatch::fakeregistry {

namespace {

std::string required_text(const Json& change, const char* key) {
  const Json* value = change.find(key);
  if (value == nullptr || !value->is_string())
    throw JsonError(std::string("scenario change needs a string '") + key + "'");
  return value->text();
}

std::string optional_text(const Json& change, const char* key) {
  const Json* value = change.find(key);
  return value != nullptr && value->is_string() ? value->text() : std::string();
}

edits::DateField date_field(const std::string& name) {
  if (name == "start") return edits::DateField::start;
  if (name == "primary_completion") return edits::DateField::primary_completion;
  if (name == "completion") return edits::DateField::completion;
  throw JsonError("unknown date field '" + name + "' (start, primary_completion or completion)");
}

// Turn one JSON change into the edit it describes; a "lastUpdatePostDate" member makes it a sponsor update.
std::function<void(Json&)> edit_for(const Json& change, const std::string& op, const Json& results_donor) {
  const std::string bump = optional_text(change, "lastUpdatePostDate");
  std::function<void(Json&)> edit;
  if (op == "status") {
    edit = [status = required_text(change, "status")](Json& s) { edits::set_overall_status(s, status); };
  } else if (op == "date") {
    edit = [field = date_field(required_text(change, "field")), date = required_text(change, "date"),
            type = optional_text(change, "type")](Json& s) { edits::set_date(s, field, date, type); };
  } else if (op == "enrollment") {
    const Json* count = change.find("count");
    if (count == nullptr || count->kind() != Json::Kind::number) throw JsonError("enrollment change needs a 'count'");
    edit = [count = std::stoll(count->text()), type = required_text(change, "type")](Json& s) {
      edits::set_enrollment(s, count, type);
    };
  } else if (op == "add_location") {
    edit = [facility = required_text(change, "facility"), city = required_text(change, "city"),
            country = required_text(change, "country")](Json& s) { edits::add_location(s, facility, city, country); };
  } else if (op == "remove_location") {
    edit = [facility = required_text(change, "facility")](Json& s) {
      if (!edits::remove_location(s, facility)) throw JsonError("no location with facility '" + facility + "'");
    };
  } else if (op == "submit_results") {
    edit = [date = required_text(change, "date")](Json& s) { edits::submit_results(s, date); };
  } else if (op == "return_results") {
    edit = [date = required_text(change, "date")](Json& s) { edits::return_results_in_qc(s, date); };
  } else if (op == "post_results") {
    const Json* results = results_donor.find("resultsSection");
    if (results == nullptr) throw JsonError("post_results needs the scenario's 'results_from' study with results");
    edit = [date = required_text(change, "date"), section = *results](Json& s) {
      edits::post_results(s, date, section);
    };
  } else if (op == "reprocess") {
    edit = [](Json& s) { edits::reprocess(s); };
  } else if (op == "touch") {
    edit = [](Json&) {};
  } else {
    throw JsonError("unknown scenario change '" + op + "'");
  }
  if (bump.empty()) return edit;
  return [edit = std::move(edit), bump](Json& s) {
    edit(s);
    edits::bump_last_update(s, bump);
  };
}

void load_base(const Json& manifest, const std::filesystem::path& dir, RegistryData& base) {
  const Json* sources = manifest.find("base");
  if (sources == nullptr) return;
  for (const Json& source : sources->items()) {
    const auto path = dir / source.text();
    if (std::filesystem::is_directory(path)) {
      RegistryData loaded = load_documents(path);
      for (const auto& [id, study] : loaded.studies()) base.put(study);
      base.recorded_history.insert(loaded.recorded_history.begin(), loaded.recorded_history.end());
      base.data_timestamp = loaded.data_timestamp;
    } else {
      base.put(read_json_file(path));
    }
  }
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& dir) {
  const Json manifest = read_json_file(dir / "scenario.json");
  Scenario scenario;
  load_base(manifest, dir, scenario.base);
  if (const Json* without = manifest.find("withoutHistory"))
    for (const Json& id : without->items()) scenario.base.without_history.insert(id.text());
  Json results_donor = Json::object();
  if (const std::string donor = optional_text(manifest, "results_from"); !donor.empty())
    results_donor = read_json_file(dir / donor);

  const Json* days = manifest.find("days");
  if (days == nullptr || !days->is_array())
    throw JsonError((dir / "scenario.json").string() + ": needs a 'days' array");
  for (const Json& spec : days->items()) {
    ScenarioDay day;
    day.data_timestamp = required_text(spec, "dataTimestamp");
    if (const Json* touch = spec.find("touchVersionHolders")) day.touch_version_holders = touch->as_bool();
    if (const Json* changes = spec.find("changes")) {
      for (const Json& change : changes->items()) {
        const std::string op = required_text(change, "op");
        if (op == "put")
          day.put(read_json_file(dir / required_text(change, "file")));
        else if (op == "remove")
          day.remove(required_text(change, "nct"));
        else if (op == "alias")
          day.alias(required_text(change, "alias"), required_text(change, "canonical"));
        else
          day.edit(required_text(change, "nct"), edit_for(change, op, results_donor));
      }
    }
    scenario.days.push_back(std::move(day));
  }
  return scenario;
}

}  // namespace trialwatch::fakeregistry
