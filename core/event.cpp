// SPDX-License-Identifier: MIT
#include "core/event.hpp"

#include <array>
#include <utility>

namespace trialwatch::core {

namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 22> k_event_names{{
    {EventType::study_tracked, "study_tracked"},         {EventType::last_updated, "last_updated"},
    {EventType::status_changed, "status_changed"},       {EventType::results_submitted, "results_submitted"},
    {EventType::results_returned, "results_returned"},   {EventType::results_posted, "results_posted"},
    {EventType::results_updated, "results_updated"},     {EventType::enrollment_changed, "enrollment_changed"},
    {EventType::dates_changed, "dates_changed"},         {EventType::eligibility_changed, "eligibility_changed"},
    {EventType::outcomes_changed, "outcomes_changed"},   {EventType::arms_changed, "arms_changed"},
    {EventType::sponsor_changed, "sponsor_changed"},     {EventType::title_changed, "title_changed"},
    {EventType::locations_changed, "locations_changed"}, {EventType::documents_changed, "documents_changed"},
    {EventType::study_reprocessed, "study_reprocessed"}, {EventType::study_removed, "study_removed"},
    {EventType::study_aliased, "study_aliased"},         {EventType::search_matched, "search_matched"},
    {EventType::related_found, "related_found"},         {EventType::results_overdue, "results_overdue"},
}};

constexpr std::array<std::pair<Provenance, std::string_view>, 5> k_provenance_names{{
    {Provenance::sponsor_update, "sponsor_update"},
    {Provenance::registry_reprocessing, "registry_reprocessing"},
    {Provenance::tracking, "tracking"},
    {Provenance::registry_history, "registry_history"},
    {Provenance::deadline, "deadline"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) noexcept {
  for (const auto& [candidate, name] : table)
    if (candidate == value) return name;
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view name) noexcept {
  for (const auto& [candidate, candidate_name] : table)
    if (candidate_name == name) return candidate;
  return std::nullopt;
}

}  // namespace

std::string_view event_type_name(EventType type) noexcept { return name_of(k_event_names, type); }
std::optional<EventType> parse_event_type(std::string_view name) noexcept { return value_of(k_event_names, name); }
std::string_view provenance_name(Provenance provenance) noexcept { return name_of(k_provenance_names, provenance); }
std::optional<Provenance> parse_provenance(std::string_view name) noexcept {
  return value_of(k_provenance_names, name);
}

std::string_view field_op_name(FieldChange::Op op) noexcept {
  switch (op) {
    case FieldChange::Op::add:
      return "add";
    case FieldChange::Op::remove:
      return "remove";
    case FieldChange::Op::replace:
      return "replace";
  }
  return "unknown";
}

std::optional<FieldChange::Op> parse_field_op(std::string_view name) noexcept {
  for (const auto op : {FieldChange::Op::add, FieldChange::Op::remove, FieldChange::Op::replace})
    if (field_op_name(op) == name) return op;
  return std::nullopt;
}

}  // namespace trialwatch::core
