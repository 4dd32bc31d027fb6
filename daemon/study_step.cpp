// SPDX-License-Identifier: MIT
#include "daemon/study_step.hpp"

#include "diff/classify.hpp"
#include "diff/event_id.hpp"

#include <fmt/format.h>

namespace trialwatch::daemon {

using core::Error;

store::StudySummary summary_of(const diff::StudyFacts& facts) {
  std::string resets;
  for (const auto& date : facts.reset_dates) resets += (resets.empty() ? "" : ",") + date;
  return store::StudySummary{facts.brief_title,
                             facts.overall_status,
                             facts.last_update_post_date,
                             facts.results_first_submit_date,
                             facts.results_first_post_date,
                             facts.has_results,
                             resets};
}

core::ChangeEvent tracking_started(const diff::StudyFacts& facts) {
  return core::ChangeEvent{core::EventType::study_tracked,
                           core::Provenance::tracking,
                           {},
                           {},
                           {},
                           fmt::format("Tracking started: {} ({}, last updated {})", facts.brief_title,
                                       facts.overall_status.empty() ? "status unknown" : facts.overall_status,
                                       facts.last_update_post_date.empty() ? "never" : facts.last_update_post_date)};
}

StudyStep::StudyStep(EventRouter route) : m_route(std::move(route)) {}

core::Result<StudyDocument> StudyStep::read(std::string json) {
  TW_TRY(facts, m_differ.read(json));  // also keeps the parse for the comparison in new_version()
  auto id = core::NctId::parse(facts->nct_id);
  if (!id)
    return Error{Error::Code::bad_response,
                 fmt::format("the registry answered with study '{}', which is not a valid NCT ID", facts->nct_id)};
  TW_TRY(hash, m_normaliser.hash(json));
  return StudyDocument{std::move(*id), std::move(*facts), std::move(json), std::move(*hash)};
}

core::Result<std::optional<store::NewVersion>> StudyStep::new_version(StudyDocument study,
                                                                      const store::StoredStudy* stored,
                                                                      const store::Versions& versions,
                                                                      const StepContext& context) {
  using Outcome = std::optional<store::NewVersion>;
  if (stored && stored->hash == study.hash) return Outcome();
  store::NewVersion version{study.id,
                            std::move(study.json),
                            study.hash,
                            summary_of(study.facts),
                            std::string(context.data_timestamp),
                            context.fetched_at,
                            {},
                            {},
                            {},
                            {},
                            {}};
  if (!stored) {
    version.events.push_back(tracking_started(study.facts));
  } else {
    auto before = versions.latest(study.id);
    if (!before) return Error{Error::Code::io, fmt::format("the stored version of {} cannot be read", study.id.str())};
    TW_TRY(comparison, m_differ.compare(before->raw_json, version.raw_json));
    if (comparison->changes.empty()) return Outcome();  // only formatting or order moved: nothing to record
    auto classification = diff::classify(comparison->changes, comparison->before, comparison->after);
    version.changes = std::move(comparison->changes);
    version.events = std::move(classification.events);
    version.previous = std::move(before);  // the new version is stored as a delta against these bytes
  }
  const std::string source(context.source);
  for (const auto& event : version.events) {
    version.event_ids.push_back(
        diff::event_id(study.id.str(), stored ? stored->hash : "", study.hash, event.type, event.path));
    version.channels.push_back(m_route ? m_route(event.type, study.id.str(), source) : std::vector<std::string>{});
  }
  return Outcome(std::move(version));
}

}  // namespace trialwatch::daemon
