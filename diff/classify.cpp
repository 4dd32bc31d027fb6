// SPDX-License-Identifier: MIT
#include "diff/classify.hpp"

#include "core/json_text.hpp"
#include "core/partial_date.hpp"
#include "core/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace trialwatch::diff {

namespace {

using core::ChangeEvent;
using core::EventType;
using core::FieldChange;
using core::Provenance;

constexpr std::string_view k_status_module = "protocolSection.statusModule";
constexpr long long k_unknown_enrollment = 99999999;

// Say whether `path` is `prefix` or lies below it (next character '.' or '[').
bool under(std::string_view path, std::string_view prefix) {
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

bool any_under(const std::vector<FieldChange>& changes, std::string_view prefix) {
  return std::any_of(changes.begin(), changes.end(), [&](const FieldChange& c) { return under(c.path, prefix); });
}

// The fields of the results lifecycle; their appearance is reported on its own, whatever the provenance.
constexpr std::array<std::string_view, 6> k_results_lifecycle_paths{
    "protocolSection.statusModule.resultsFirstSubmitDate",
    "protocolSection.statusModule.resultsFirstSubmitQcDate",
    "protocolSection.statusModule.resultsFirstPostDateStruct",
    "annotationSection.annotationModule.unpostedAnnotation",
    "hasResults",
    "resultsSection"};

// Distinct strings in the order first seen; a hash set, so a change list of thousands of fields costs n, not n².
class FirstSeen {
 public:
  void add(std::string value) {
    if (m_seen.insert(value).second) m_order.push_back(std::move(value));
  }
  std::vector<std::string> take() { return std::move(m_order); }

 private:
  std::unordered_set<std::string> m_seen;
  std::vector<std::string> m_order;
};

// The human name of the part of the record at `path`, e.g. "Contacts/Locations".
std::string part_label(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> labels{{
      {"protocolSection.identificationModule", "Identification"},
      {"protocolSection.statusModule", "Study Status"},
      {"protocolSection.sponsorCollaboratorsModule", "Sponsor/Collaborators"},
      {"protocolSection.oversightModule", "Oversight"},
      {"protocolSection.descriptionModule", "Study Description"},
      {"protocolSection.conditionsModule", "Conditions"},
      {"protocolSection.designModule", "Study Design"},
      {"protocolSection.armsInterventionsModule", "Arms/Interventions"},
      {"protocolSection.outcomesModule", "Outcome Measures"},
      {"protocolSection.eligibilityModule", "Eligibility"},
      {"protocolSection.contactsLocationsModule", "Contacts/Locations"},
      {"protocolSection.referencesModule", "References"},
      {"protocolSection.ipdSharingStatementModule", "IPD Sharing"},
      {"resultsSection", "Results"},
      {"annotationSection", "Annotations"},
      {"documentSection", "Documents"},
      {"derivedSection", "Derived (registry-computed) data"},
  }};
  for (const auto& [prefix, label] : labels)
    if (under(path, prefix)) return std::string(label);
  const auto end = path.find_first_of(".[");
  return std::string(path.substr(0, end));
}

// The distinct parts of the record that `changes` touch, in first-seen order.
std::vector<std::string> touched_parts(const std::vector<FieldChange>& changes) {
  FirstSeen parts;
  for (const auto& change : changes) parts.add(part_label(change.path));
  return parts.take();
}

// The last named field of a path: "…locations[X].city" -> "city", "…conditions[Lupus]" -> "conditions".
std::string leaf_name(std::string_view path) {
  while (!path.empty() && path.back() == ']') path = path.substr(0, path.rfind('['));
  const auto dot = path.rfind('.');
  return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

std::string dated_json(const DatedField& field) {
  if (field.date.empty() && field.type.empty()) return {};
  std::string out = "{\"date\":" + core::json_quote(field.date);
  if (!field.type.empty()) out += ",\"type\":" + core::json_quote(field.type);
  return out + "}";
}

std::string dated_text(const DatedField& field) {
  if (field.date.empty()) return "none";
  return field.type.empty() ? field.date : fmt::format("{} ({})", field.date, field.type);
}

std::string date_summary(std::string_view label, const DatedField& before, const DatedField& after) {
  const auto old_date = core::PartialDate::parse(before.date);
  const auto new_date = core::PartialDate::parse(after.date);
  std::string summary = fmt::format("{} {} → {}", label, dated_text(before), dated_text(after));
  if (before.date == after.date && before.type != after.type) {
    summary = fmt::format("{} {} is now {} (was {})", label, after.date, after.type.empty() ? "untyped" : after.type,
                          before.type.empty() ? "untyped" : before.type);
  } else if (old_date && new_date && old_date->is_refined_by(*new_date)) {
    summary += fmt::format(": refined from {} to {}, not moved", before.date, after.date);
  } else if (old_date && new_date) {
    if (const auto days = old_date->days_until(*new_date)) {
      if (*days > 0)
        summary += fmt::format(", {} days later", *days);
      else if (*days < 0)
        summary += fmt::format(", {} days earlier", -*days);
    }
  }
  return summary;
}

std::string enrollment_text(const StudyFacts& facts) {
  if (!facts.enrollment_count) return "none";
  const std::string count = *facts.enrollment_count == k_unknown_enrollment ? std::string("unknown")
                                                                            : std::to_string(*facts.enrollment_count);
  return facts.enrollment_type.empty() ? count : fmt::format("{} ({})", count, facts.enrollment_type);
}

std::string enrollment_json(const StudyFacts& facts) {
  if (!facts.enrollment_count) return {};
  std::string out = fmt::format("{{\"count\":{}", *facts.enrollment_count);
  if (!facts.enrollment_type.empty()) out += ",\"type\":" + core::json_quote(facts.enrollment_type);
  return out + "}";
}

// Count records added, removed and changed in the keyed array at `array_path`.
std::string record_counts(const std::vector<FieldChange>& changes, std::string_view array_path, std::string_view noun) {
  int added = 0, removed = 0;
  std::set<std::string> updated;
  for (const auto& change : changes) {
    if (!under(change.path, array_path) || change.path.size() == array_path.size()) continue;
    const std::string_view rest = std::string_view(change.path).substr(array_path.size());
    const auto close = rest.find(']');
    const bool whole_record = rest.front() == '[' && close == rest.size() - 1;
    if (whole_record && change.op == FieldChange::Op::add)
      ++added;
    else if (whole_record && change.op == FieldChange::Op::remove)
      ++removed;
    else
      updated.insert(std::string(rest.substr(0, close + 1)));
  }
  std::vector<std::string> parts;
  if (added > 0) parts.push_back(fmt::format("{} {}{} added", added, noun, added == 1 ? "" : "s"));
  if (removed > 0) parts.push_back(fmt::format("{} removed", removed));
  if (!updated.empty()) parts.push_back(fmt::format("{} updated", updated.size()));
  return core::join(parts, ", ");
}

class Classifier {
 public:
  Classifier(const std::vector<FieldChange>& changes, const StudyFacts& before, const StudyFacts& after)
      : m_changes(changes), m_before(before), m_after(after) {
    const bool advanced =
        !after.last_update_post_date.empty() && after.last_update_post_date > before.last_update_post_date;
    m_result.provenance = advanced ? Provenance::sponsor_update : Provenance::registry_reprocessing;
  }

  Classification run() {
    if (m_changes.empty()) return m_result;
    results_lifecycle();
    if (m_result.provenance == Provenance::registry_reprocessing)
      reprocessing();
    else
      sponsor_update();
    return m_result;
  }

 private:
  const std::vector<FieldChange>& m_changes;
  const StudyFacts& m_before;
  const StudyFacts& m_after;
  Classification m_result;

  void add(EventType type, std::string path, std::string old_json, std::string new_json, std::string summary) {
    m_result.events.push_back(ChangeEvent{type, m_result.provenance, std::move(path), std::move(old_json),
                                          std::move(new_json), std::move(summary)});
  }

  void results_lifecycle() {
    if (m_before.results_first_submit_date.empty() && !m_after.results_first_submit_date.empty())
      add(EventType::results_submitted, std::string(k_status_module) + ".resultsFirstSubmitDate", {},
          core::json_quote(m_after.results_first_submit_date),
          fmt::format("Results were submitted on {}; they are not public until quality control review is done",
                      m_after.results_first_submit_date));
    for (const auto& date : m_after.reset_dates)
      if (std::count(m_before.reset_dates.begin(), m_before.reset_dates.end(), date) <
          std::count(m_after.reset_dates.begin(), m_after.reset_dates.end(), date))
        add(EventType::results_returned, "annotationSection.annotationModule.unpostedAnnotation.unpostedEvents", {},
            fmt::format("{{\"type\":\"RESET\",\"date\":{}}}", core::json_quote(date)),
            fmt::format("The results submission was returned by quality control review on {}",
                        date.empty() ? "an unknown date" : date));
    if (m_before.results_first_post_date.empty() && !m_after.results_first_post_date.empty())
      add(EventType::results_posted, std::string(k_status_module) + ".resultsFirstPostDateStruct.date", {},
          core::json_quote(m_after.results_first_post_date),
          fmt::format("Results were posted on {}: https://clinicaltrials.gov/study/{}?tab=results",
                      m_after.results_first_post_date, m_after.nct_id));
  }

  bool is_results_lifecycle(const FieldChange& change) const {
    for (const auto prefix : k_results_lifecycle_paths) {
      // A change below a lifecycle field, or one that adds or removes a whole branch holding one.
      if (!under(change.path, prefix) && !under(prefix, change.path)) continue;
      // Once results were public, later resultsSection edits are not part of the lifecycle.
      if (prefix == "resultsSection" && !m_before.results_first_post_date.empty()) return false;
      return true;
    }
    return false;
  }

  void reprocessing() {
    std::vector<FieldChange> rest;
    for (const auto& change : m_changes)
      if (!is_results_lifecycle(change)) rest.push_back(change);
    if (rest.empty()) return;
    add(EventType::study_reprocessed, {}, {}, {},
        fmt::format("The registry changed {} field{} without a sponsor update ({})", rest.size(),
                    rest.size() == 1 ? "" : "s", core::join(touched_parts(rest), ", ")));
  }

  void sponsor_update() {
    FirstSeen touched;
    for (const auto& change : m_changes)
      if (!is_results_lifecycle(change) && !under(change.path, "derivedSection")) touched.add(part_label(change.path));
    const auto parts = touched.take();
    add(EventType::last_updated, std::string(k_status_module) + ".lastUpdatePostDateStruct.date",
        m_before.last_update_post_date.empty() ? std::string() : core::json_quote(m_before.last_update_post_date),
        core::json_quote(m_after.last_update_post_date),
        fmt::format("Sponsor update posted {} (previous {}): {}", m_after.last_update_post_date,
                    m_before.last_update_post_date.empty() ? "none" : m_before.last_update_post_date,
                    parts.empty() ? std::string("no other field changed") : core::join(parts, ", ")));

    if (m_before.overall_status != m_after.overall_status)
      add(EventType::status_changed, std::string(k_status_module) + ".overallStatus",
          m_before.overall_status.empty() ? std::string() : core::json_quote(m_before.overall_status),
          m_after.overall_status.empty() ? std::string() : core::json_quote(m_after.overall_status),
          fmt::format("Status {} → {}", m_before.overall_status.empty() ? "none" : m_before.overall_status,
                      m_after.overall_status.empty() ? "none" : m_after.overall_status));

    dates("startDateStruct", "Start date", m_before.start, m_after.start);
    dates("primaryCompletionDateStruct", "Primary completion date", m_before.primary_completion,
          m_after.primary_completion);
    dates("completionDateStruct", "Completion date", m_before.completion, m_after.completion);

    if (any_under(m_changes, "protocolSection.designModule.enrollmentInfo"))
      add(EventType::enrollment_changed, "protocolSection.designModule.enrollmentInfo", enrollment_json(m_before),
          enrollment_json(m_after),
          fmt::format("Enrollment {} → {}", enrollment_text(m_before), enrollment_text(m_after)));

    if (!m_before.results_first_post_date.empty() && any_under(m_changes, "resultsSection"))
      add(EventType::results_updated, "resultsSection", {}, {},
          fmt::format("Posted results changed: {}", fields_below("resultsSection")));

    titles();
    part(EventType::eligibility_changed, "protocolSection.eligibilityModule", "Eligibility");
    part(EventType::outcomes_changed, "protocolSection.outcomesModule", "Outcome measures");
    part(EventType::arms_changed, "protocolSection.armsInterventionsModule", "Arms and interventions");
    part(EventType::sponsor_changed, "protocolSection.sponsorCollaboratorsModule", "Sponsor and collaborators");
    part(EventType::documents_changed, "documentSection", "Documents");
    if (any_under(m_changes, "protocolSection.contactsLocationsModule.locations"))
      add(EventType::locations_changed, "protocolSection.contactsLocationsModule.locations", {}, {},
          fmt::format("Locations: {}",
                      record_counts(m_changes, "protocolSection.contactsLocationsModule.locations", "site")));
  }

  void dates(std::string_view key, std::string_view label, const DatedField& before, const DatedField& after) {
    if (before == after) return;
    add(EventType::dates_changed, fmt::format("{}.{}", k_status_module, key), dated_json(before), dated_json(after),
        date_summary(label, before, after));
  }

  std::string fields_below(std::string_view prefix) const {
    FirstSeen below;
    for (const auto& change : m_changes)
      if (under(change.path, prefix)) below.add(leaf_name(change.path));
    auto names = below.take();
    if (names.size() > 5) {
      const auto more = names.size() - 4;
      names.resize(4);
      names.push_back(fmt::format("and {} more", more));
    }
    return core::join(names, ", ");
  }

  void part(EventType type, std::string_view prefix, std::string_view label) {
    if (!any_under(m_changes, prefix)) return;
    add(type, std::string(prefix), {}, {}, fmt::format("{} changed: {}", label, fields_below(prefix)));
  }

  void titles() {
    for (const char* key : {"briefTitle", "officialTitle", "acronym"}) {
      const std::string path = fmt::format("protocolSection.identificationModule.{}", key);
      const auto it =
          std::find_if(m_changes.begin(), m_changes.end(), [&](const FieldChange& c) { return c.path == path; });
      if (it == m_changes.end()) continue;
      add(EventType::title_changed, path, it->old_json, it->new_json,
          std::string(key) == "briefTitle"
              ? fmt::format("Title changed to {}", m_after.brief_title)
              : fmt::format("{} changed", key == std::string("acronym") ? "Acronym" : "Official title"));
    }
  }
};

}  // namespace

Classification classify(const std::vector<FieldChange>& changes, const StudyFacts& before, const StudyFacts& after) {
  return Classifier(changes, before, after).run();
}

}  // namespace trialwatch::diff
