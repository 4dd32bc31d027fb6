// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/edits.hpp"

#include <algorithm>
#include <cctype>

namespace trialwatch::fakeregistry::edits {

namespace {

constexpr std::string_view k_status = "protocolSection.statusModule";

Json date_struct(std::string_view date, std::string_view type) {
  Json out = Json::object();
  out.set("date", Json::string(std::string(date)));
  if (!type.empty()) out.set("type", Json::string(std::string(type)));
  return out;
}

Json& status_module(Json& study) { return study.ensure_path(k_status); }

Json& locations(Json& study) {
  Json& module = study.ensure_path("protocolSection.contactsLocationsModule");
  Json* list = module.find("locations");
  if (list == nullptr || !list->is_array()) list = &module.set("locations", Json::array());
  return *list;
}

bool reverse_array(Json* array) {
  if (array == nullptr || !array->is_array() || array->items().size() < 2) return false;
  std::reverse(array->items().begin(), array->items().end());
  return true;
}

}  // namespace

void set_overall_status(Json& study, std::string_view status) {
  status_module(study).set("overallStatus", Json::string(std::string(status)));
}

void bump_last_update(Json& study, std::string_view date) {
  Json& status = status_module(study);
  status.set("lastUpdateSubmitDate", Json::string(std::string(date)));
  status.set("lastUpdatePostDateStruct", date_struct(date, "ACTUAL"));
}

void set_date(Json& study, DateField field, std::string_view date, std::string_view type) {
  const char* key = field == DateField::start                ? "startDateStruct"
                    : field == DateField::primary_completion ? "primaryCompletionDateStruct"
                                                             : "completionDateStruct";
  status_module(study).set(key, date_struct(date, type));
}

void set_enrollment(Json& study, long long count, std::string_view type) {
  Json info = Json::object();
  info.set("count", Json::number(count));
  info.set("type", Json::string(std::string(type)));
  study.ensure_path("protocolSection.designModule").set("enrollmentInfo", std::move(info));
}

void add_location(Json& study, std::string_view facility, std::string_view city, std::string_view country) {
  Json site = Json::object();
  site.set("facility", Json::string(std::string(facility)));
  site.set("status", Json::string("RECRUITING"));
  site.set("city", Json::string(std::string(city)));
  site.set("country", Json::string(std::string(country)));
  locations(study).push_back(std::move(site));
}

bool remove_location(Json& study, std::string_view facility) {
  auto& sites = locations(study).items();
  const auto it = std::find_if(sites.begin(), sites.end(), [&](const Json& site) {
    const Json* name = site.find("facility");
    return name != nullptr && name->text() == facility;
  });
  if (it == sites.end()) return false;
  sites.erase(it);
  return true;
}

void submit_results(Json& study, std::string_view date) {
  status_module(study).set("resultsFirstSubmitDate", Json::string(std::string(date)));
  study.set("hasResults", Json::boolean(true));
}

void return_results_in_qc(Json& study, std::string_view date) {
  Json& annotation = study.ensure_path("annotationSection.annotationModule.unpostedAnnotation");
  Json* events = annotation.find("unpostedEvents");
  if (events == nullptr || !events->is_array()) events = &annotation.set("unpostedEvents", Json::array());
  Json event = Json::object();
  event.set("type", Json::string("RESET"));
  event.set("date", Json::string(std::string(date)));
  event.set("dateUnknown", Json::boolean(false));
  events->push_back(std::move(event));
}

void post_results(Json& study, std::string_view date, const Json& results_section) {
  Json& status = status_module(study);
  if (status.find("resultsFirstSubmitDate") == nullptr)
    status.set("resultsFirstSubmitDate", Json::string(std::string(date)));
  status.set("resultsFirstSubmitQcDate", Json::string(std::string(date)));
  status.set("resultsFirstPostDateStruct", date_struct(date, "ACTUAL"));
  // The registry orders sections protocol, results, annotation, document, derived: insert after protocol.
  auto& members = study.members();
  const auto existing =
      std::find_if(members.begin(), members.end(), [](const Json::Member& m) { return m.first == "resultsSection"; });
  if (existing != members.end()) {
    existing->second = results_section;
  } else {
    const auto protocol = std::find_if(members.begin(), members.end(),
                                       [](const Json::Member& m) { return m.first == "protocolSection"; });
    const auto at = protocol == members.end() ? members.begin() : protocol + 1;
    members.insert(at, Json::Member{"resultsSection", results_section});
  }
  study.set("hasResults", Json::boolean(true));
}

void set_version_holder(Json& study, std::string_view date) {
  study.ensure_path("derivedSection.miscInfoModule").set("versionHolder", Json::string(std::string(date)));
}

bool reprocess(Json& study) {
  bool changed = false;
  if (Json* browse = study.at_path("derivedSection.conditionBrowseModule")) {
    changed |= reverse_array(browse->find("meshes"));
    changed |= reverse_array(browse->find("browseLeaves"));
    changed |= reverse_array(browse->find("browseBranches"));
  }
  if (Json* meshes = study.at_path("derivedSection.interventionBrowseModule.meshes")) {
    if (meshes->is_array() && !meshes->items().empty()) {
      if (Json* term = meshes->items().front().find("term"); term != nullptr && term->is_string()) {
        std::string text = term->text();
        if (!text.empty() && std::isupper(static_cast<unsigned char>(text[0]))) {
          text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
          *term = Json::string(std::move(text));
          changed = true;
        }
      }
    }
  }
  if (Json* sites = study.at_path("protocolSection.contactsLocationsModule.locations");
      sites != nullptr && sites->is_array() && !sites->items().empty()) {
    Json& site = sites->items().front();
    if (Json* city = site.find("city"); city != nullptr && city->text().rfind("Saint ", 0) == 0) {
      *city = Json::string("St " + city->text().substr(6));
      changed = true;
    } else if (Json* geo = site.find("geoPoint"); geo != nullptr && geo->find("lat") != nullptr) {
      const std::string& lat = geo->find("lat")->text();
      geo->set("lat", Json::number(lat.find('.') == std::string::npos ? lat + ".0001" : lat + "1"));
      changed = true;
    }
  }
  return changed;
}

const std::string& nct_id_of(const Json& study) {
  const Json* id = study.at_path("protocolSection.identificationModule.nctId");
  if (id == nullptr || !id->is_string()) throw JsonError("document has no protocolSection.identificationModule.nctId");
  return id->text();
}

}  // namespace trialwatch::fakeregistry::edits
