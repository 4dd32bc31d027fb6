// SPDX-License-Identifier: MIT
#include "diff/event_id.hpp"

#include "diff/normalise.hpp"

#include <catch2/catch.hpp>

#include <set>

using trialwatch::core::EventType;
using trialwatch::diff::event_id;
using trialwatch::diff::hash128_hex;

TEST_CASE("an event id is the study's digits, then 24 hex digits of the hash of its parts", "[diff][event_id]") {
  const auto id = event_id("NCT06613490", "aa", "bb", EventType::status_changed, "protocolSection.statusModule");
  CHECK(id.size() == 32);
  CHECK(id.substr(0, 8) == "06613490");
  // Store migration 6 rewrote older ids (the whole hash) to this form; the two must agree.
  const std::string parts =
      "NCT06613490\x1f"
      "aa\x1f"
      "bb\x1fstatus_changed\x1fprotocolSection.statusModule\x1f";
  CHECK(id.substr(8) == hash128_hex(parts).substr(0, 24));
}

TEST_CASE("an event id is stable, and differs when any of its parts does", "[diff][event_id]") {
  const auto base = event_id("NCT06613490", "aa", "bb", EventType::status_changed, "p");
  CHECK(event_id("NCT06613490", "aa", "bb", EventType::status_changed, "p") == base);
  std::set<std::string> ids{base};
  ids.insert(event_id("NCT06613491", "aa", "bb", EventType::status_changed, "p"));
  ids.insert(event_id("NCT06613490", "ab", "bb", EventType::status_changed, "p"));
  ids.insert(event_id("NCT06613490", "aa", "bc", EventType::status_changed, "p"));
  ids.insert(event_id("NCT06613490", "aa", "bb", EventType::dates_changed, "p"));
  ids.insert(event_id("NCT06613490", "aa", "bb", EventType::status_changed, "q"));
  // The separator keeps parts from running into each other.
  ids.insert(event_id("NCT06613490", "aab", "b", EventType::status_changed, "p"));
  CHECK(ids.size() == 7);
}
