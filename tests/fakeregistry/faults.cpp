// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/faults.hpp"

#include <array>
#include <utility>

namespace trialwatch::fakeregistry {

namespace {

constexpr std::array<std::pair<Fault::Kind, const char*>, 9> k_kind_names{{
    {Fault::Kind::status, "status"},
    {Fault::Kind::html, "html"},
    {Fault::Kind::invalid_json, "invalid_json"},
    {Fault::Kind::truncate, "truncate"},
    {Fault::Kind::drip, "drip"},
    {Fault::Kind::reset, "reset"},
    {Fault::Kind::delay, "delay"},
    {Fault::Kind::omit, "omit"},
    {Fault::Kind::json, "json"},
}};

int integer_member(const Json& spec, const char* key, int fallback) {
  const Json* value = spec.find(key);
  if (value == nullptr) return fallback;
  if (value->kind() != Json::Kind::number) throw JsonError(std::string("fault member '") + key + "' must be a number");
  return std::stoi(value->text());
}

std::string text_member(const Json& spec, const char* key) {
  const Json* value = spec.find(key);
  if (value == nullptr) return {};
  if (!value->is_string() && value->kind() != Json::Kind::number)
    throw JsonError(std::string("fault member '") + key + "' must be a string");
  return value->text();
}

}  // namespace

const char* fault_kind_name(Fault::Kind kind) {
  for (const auto& [k, name] : k_kind_names)
    if (k == kind) return name;
  return "unknown";
}

Fault Fault::from_json(const Json& spec) {
  if (!spec.is_object()) throw JsonError("a fault is a JSON object");
  Fault fault;
  fault.path = text_member(spec, "path");
  fault.query_contains = text_member(spec, "query");
  fault.skip = integer_member(spec, "skip", 0);
  fault.times = integer_member(spec, "times", 1);
  if (const std::string kind = text_member(spec, "kind"); !kind.empty()) {
    bool known = false;
    for (const auto& [k, name] : k_kind_names)
      if (kind == name) fault.kind = k, known = true;
    if (!known) throw JsonError("unknown fault kind '" + kind + "'");
  }
  fault.status = integer_member(spec, "status", fault.status);
  fault.body = text_member(spec, "body");
  fault.retry_after = text_member(spec, "retry_after");
  fault.delay_ms = integer_member(spec, "delay_ms", 0);
  fault.drip_bytes = integer_member(spec, "drip_bytes", fault.drip_bytes);
  fault.drip_interval_ms = integer_member(spec, "drip_interval_ms", fault.drip_interval_ms);
  fault.truncate_to = static_cast<std::size_t>(integer_member(spec, "truncate_to", 64));
  if (fault.drip_bytes <= 0) throw JsonError("fault member 'drip_bytes' must be positive");
  return fault;
}

}  // namespace trialwatch::fakeregistry
