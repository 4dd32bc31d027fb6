// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "store/stored_event.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::daemon {

// Say whether stderr is connected to the journal: $JOURNAL_STREAM ("device:inode") names stderr's own file.
bool stderr_is_journal();

// Return the journal MESSAGE_ID of `type`: a fixed 128-bit id per event type (32 hex digits), so
// `journalctl MESSAGE_ID=...` finds every event of one type and a catalog can explain it.
std::string_view journal_message_id(core::EventType type) noexcept;

// Return the structured journal fields ("NAME=value") of `event`: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER,
// MESSAGE_ID and the TRIALWATCH_* fields, so `journalctl TRIALWATCH_EVENT=results_posted` finds results.
std::vector<std::string> journal_fields(const store::StoredEvent& event);

// Send `fields` as one journal entry; return false if the journal is not there (outside systemd).
bool send_to_journal(const std::vector<std::string>& fields);

}  // namespace trialwatch::daemon
