// SPDX-License-Identifier: MIT
#include "store/event_json.hpp"

#include "core/json_text.hpp"

namespace trialwatch::store {

namespace {

void member(std::string& out, std::string_view key) {
  if (out.size() > 1) out.push_back(',');
  core::append_json_quoted(out, key);
  out.push_back(':');
}

void text_member(std::string& out, std::string_view key, std::string_view value, bool null_when_empty = false) {
  member(out, key);
  if (null_when_empty && value.empty())
    out.append("null");
  else
    core::append_json_quoted(out, value);
}

void json_member(std::string& out, std::string_view key, std::string_view json) {
  member(out, key);
  out.append(json.empty() ? std::string_view("null") : json);
}

}  // namespace

std::string event_json(const StoredEvent& event) {
  std::string out = "{";
  text_member(out, "id", event.id);
  text_member(out, "nct_id", event.nct_id);
  text_member(out, "type", core::event_type_name(event.type));
  text_member(out, "detected_at", event.detected_at);
  text_member(out, "data_timestamp", event.data_timestamp);
  json_member(out, "version", event.version ? std::to_string(*event.version) : std::string());
  text_member(out, "provenance", core::provenance_name(event.provenance));
  text_member(out, "path", event.path, true);
  json_member(out, "old", event.old_json);
  json_member(out, "new", event.new_json);
  text_member(out, "summary", event.summary);
  text_member(out, "source", event.source);
  if (event.registry_version) {
    json_member(out, "registry_version", std::to_string(*event.registry_version));
    text_member(out, "posted_date", event.posted_date);
  }
  out.push_back('}');
  return out;
}

}  // namespace trialwatch::store
