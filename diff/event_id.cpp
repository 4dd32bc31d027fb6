// SPDX-License-Identifier: MIT
#include "diff/event_id.hpp"

#include "diff/normalise.hpp"

namespace trialwatch::diff {

namespace {

// An NCT ID's eight digits: "NCT06613490" → "06613490".
constexpr std::size_t k_nct_prefix = 3;
constexpr std::size_t k_hash_digits = 24;

}  // namespace

std::string event_id(std::string_view nct_id, std::string_view from_hash, std::string_view to_hash,
                     core::EventType type, std::string_view path) {
  std::string key;
  for (const std::string_view part : {nct_id, from_hash, to_hash, core::event_type_name(type), path}) {
    key.append(part);
    key.push_back('\x1f');  // unit separator: parts cannot run into each other
  }
  std::string id(nct_id.substr(k_nct_prefix));
  id.append(hash128_hex(key), 0, k_hash_digits);
  return id;
}

}  // namespace trialwatch::diff
