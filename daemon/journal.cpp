// SPDX-License-Identifier: MIT
#include "daemon/journal.hpp"

#include "core/safe_text.hpp"

#include <systemd/sd-journal.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace trialwatch::daemon {

namespace {

using core::EventType;

struct MessageId {
  EventType type;
  std::string_view id;
};

// Generated once (uuid4) and never changed: they are an interface of journal queries and catalogs.
constexpr std::array<MessageId, 22> k_message_ids{{
    {EventType::study_tracked, "04e8abca419c48c8823cc312c01f7a96"},
    {EventType::last_updated, "b6b106b79a644bd2928844da4590cf08"},
    {EventType::status_changed, "26944a7f53e24ef4aa690c308f9357ad"},
    {EventType::results_submitted, "55a1b9a24d244f709203aa2f28e1130b"},
    {EventType::results_returned, "492cb1816e754f56bedb5491d5a9bce4"},
    {EventType::results_posted, "c212ce63198e4089a9c801aa24a4744e"},
    {EventType::results_updated, "e22b29a7cff3454b8f14e3cd10839232"},
    {EventType::enrollment_changed, "69f95bd9fdb64a5eb8efcaa62f4b6448"},
    {EventType::dates_changed, "8a2db60d02e74ae89809228ccb24b9bc"},
    {EventType::eligibility_changed, "7e30a34f643e49b9be6c83bd477e917e"},
    {EventType::outcomes_changed, "c6d8451d0c5d40e2b631a9c74b1b3451"},
    {EventType::arms_changed, "7afb558648ed416cb0712186cf14d8d6"},
    {EventType::sponsor_changed, "9dc32e9c3e9c4a5da648136606f8cec3"},
    {EventType::title_changed, "b3c33bb1dcac4d18a6de73d1cad71545"},
    {EventType::locations_changed, "bcfa0214a61144169738adca74ff4da9"},
    {EventType::documents_changed, "2cb87381b7c7489298be7c5cd9206516"},
    {EventType::study_reprocessed, "de69809ea265452bb7cf634d7360f7cd"},
    {EventType::study_removed, "a752f28e39844bf09163491c900ddea8"},
    {EventType::study_aliased, "47c6789d17ba47d3ae8c5cede14565e4"},
    {EventType::search_matched, "485ff09086024b38879856b4647f8ac7"},
    {EventType::related_found, "2098c476c2b94477a4805da9b0c050dc"},
    {EventType::results_overdue, "556d20b236634314acae00ffeb0018a0"},
}};

// Results and removals are what people act on: notice (5); everything else is informational (6).
int priority_of(EventType type) {
  switch (type) {
    case EventType::results_submitted:
    case EventType::results_returned:
    case EventType::results_posted:
    case EventType::results_overdue:
    case EventType::study_removed:
      return 5;
    default:
      return 6;
  }
}

}  // namespace

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat info {};
  if (fstat(STDERR_FILENO, &info) != 0) return false;
  return static_cast<unsigned long long>(info.st_dev) == device &&
         static_cast<unsigned long long>(info.st_ino) == inode;
}

std::string_view journal_message_id(EventType type) noexcept {
  for (const auto& entry : k_message_ids)
    if (entry.type == type) return entry.id;
  return {};
}

std::vector<std::string> journal_fields(const store::StoredEvent& event) {
  std::vector<std::string> fields{
      "MESSAGE=" + event.nct_id + " " + std::string(core::event_type_name(event.type)) + ": " +
          core::for_log_line(event.summary),  // the other fields are binary-safe; MESSAGE is what people read
      "PRIORITY=" + std::to_string(priority_of(event.type)),
      "SYSLOG_IDENTIFIER=trialwatchd",
      "MESSAGE_ID=" + std::string(journal_message_id(event.type)),
      "TRIALWATCH_EVENT=" + std::string(core::event_type_name(event.type)),
      "TRIALWATCH_NCT_ID=" + event.nct_id,
      "TRIALWATCH_EVENT_ID=" + event.id,
      "TRIALWATCH_PROVENANCE=" + std::string(core::provenance_name(event.provenance)),
      "TRIALWATCH_SOURCE=" + event.source,
      "TRIALWATCH_DATA_TIMESTAMP=" + event.data_timestamp,
  };
  if (event.version) fields.push_back("TRIALWATCH_VERSION=" + std::to_string(*event.version));
  if (!event.path.empty()) fields.push_back("TRIALWATCH_PATH=" + event.path);
  return fields;
}

bool send_to_journal(const std::vector<std::string>& fields) {
  std::vector<iovec> parts;
  parts.reserve(fields.size());
  for (const auto& field : fields) parts.push_back(iovec{const_cast<char*>(field.data()), field.size()});
  return sd_journal_sendv(parts.data(), static_cast<int>(parts.size())) == 0;
}

}  // namespace trialwatch::daemon
