// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::core {

// The change event types of docs/events.md; their names are part of the contract.
enum class EventType {
  study_tracked,
  last_updated,
  status_changed,
  results_submitted,
  results_returned,
  results_posted,
  results_updated,
  enrollment_changed,
  dates_changed,
  eligibility_changed,
  outcomes_changed,
  arms_changed,
  sponsor_changed,
  title_changed,
  locations_changed,
  documents_changed,
  study_reprocessed,
  study_removed,
  study_aliased,
  search_matched,
  related_found,
  results_overdue,
};

// Where a change came from (`provenance` in docs/events.md).
enum class Provenance {
  sponsor_update,         // lastUpdatePostDate advanced
  registry_reprocessing,  // the registry changed the record without a sponsor update
  tracking,               // about the watch list itself
  registry_history,       // derived from the registry's past versions (backfill); never notifies
  deadline,               // caused by the calendar (results due)
};

// Return the contract name of `type`, e.g. "results_posted".
std::string_view event_type_name(EventType type) noexcept;
// Parse a contract name; nothing for an unknown one.
std::optional<EventType> parse_event_type(std::string_view name) noexcept;
// Return the contract name of `provenance`, e.g. "sponsor_update".
std::string_view provenance_name(Provenance provenance) noexcept;
// Parse a provenance name; nothing for an unknown one.
std::optional<Provenance> parse_provenance(std::string_view name) noexcept;

// One field-level difference between two versions of a study. Values are JSON texts ("" when absent).
struct FieldChange {
  // What happened to the value at `path`.
  enum class Op { add, remove, replace };
  Op op;
  std::string path;  // JSON path with identity keys for records, e.g. protocolSection.statusModule.overallStatus
  std::string old_json;
  std::string new_json;

  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

// Return "add", "remove" or "replace".
std::string_view field_op_name(FieldChange::Op op) noexcept;
// Parse "add", "remove" or "replace"; nothing for anything else.
std::optional<FieldChange::Op> parse_field_op(std::string_view name) noexcept;

// A typed change event as classified from a diff (before the store gives it an id and a version number).
struct ChangeEvent {
  EventType type;
  Provenance provenance;
  std::string path;      // the JSON path that changed, where one does
  std::string old_json;  // JSON value, "" when not applicable
  std::string new_json;
  std::string summary;  // one human sentence

  friend bool operator==(const ChangeEvent&, const ChangeEvent&) = default;
};

}  // namespace trialwatch::core
