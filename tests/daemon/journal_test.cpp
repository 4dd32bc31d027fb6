// SPDX-License-Identifier: MIT
#include "daemon/journal.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using trialwatch::core::EventType;
using trialwatch::daemon::journal_fields;
using trialwatch::daemon::journal_message_id;

TEST_CASE("every event type has its own fixed 128-bit journal MESSAGE_ID", "[daemon][journal]") {
  std::set<std::string_view> ids;
  for (int t = 0; t <= static_cast<int>(EventType::related_found); ++t) {
    const auto id = journal_message_id(static_cast<EventType>(t));
    CHECK(id.size() == 32);
    CHECK(std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }));
    ids.insert(id);
  }
  CHECK(ids.size() == static_cast<std::size_t>(EventType::related_found) + 1);
  CHECK(journal_message_id(EventType::results_posted) == "c212ce63198e4089a9c801aa24a4744e");  // never changes
}

TEST_CASE("an event's journal entry carries the fields journalctl filters on", "[daemon][journal]") {
  trialwatch::store::StoredEvent event;
  event.id = "0123abcd";
  event.nct_id = "NCT06613490";
  event.type = EventType::results_posted;
  event.data_timestamp = "2026-09-04T09:00:05";
  event.version = 4;
  event.provenance = trialwatch::core::Provenance::sponsor_update;
  event.path = "protocolSection.statusModule.resultsFirstPostDateStruct";
  event.summary = "Results were posted on 2026-09-03";
  event.source = "config";
  const auto fields = journal_fields(event);
  const std::set<std::string> set(fields.begin(), fields.end());
  CHECK(set.count("MESSAGE=NCT06613490 results_posted: Results were posted on 2026-09-03"));
  CHECK(set.count("PRIORITY=5"));
  CHECK(set.count("SYSLOG_IDENTIFIER=trialwatchd"));
  CHECK(set.count("MESSAGE_ID=c212ce63198e4089a9c801aa24a4744e"));
  CHECK(set.count("TRIALWATCH_EVENT=results_posted"));
  CHECK(set.count("TRIALWATCH_NCT_ID=NCT06613490"));
  CHECK(set.count("TRIALWATCH_EVENT_ID=0123abcd"));
  CHECK(set.count("TRIALWATCH_PROVENANCE=sponsor_update"));
  CHECK(set.count("TRIALWATCH_VERSION=4"));
  CHECK(set.count("TRIALWATCH_SOURCE=config"));
  CHECK(set.count("TRIALWATCH_PATH=protocolSection.statusModule.resultsFirstPostDateStruct"));
  for (const auto& field : fields) {  // journal field names: upper case, digits and '_', not starting with '_'
    const auto name = field.substr(0, field.find('='));
    CHECK(name.front() != '_');
    CHECK(std::all_of(name.begin(), name.end(), [](char c) { return std::isupper(c) || std::isdigit(c) || c == '_'; }));
  }
}
