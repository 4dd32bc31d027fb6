// SPDX-License-Identifier: MIT
#include "daemon/discovery.hpp"

#include "core/json_text.hpp"
#include "core/partial_date.hpp"
#include "core/strings.hpp"
#include "diff/event_id.hpp"
#include "diff/related.hpp"
#include "diff/study_facts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_set>

namespace trialwatch::daemon {

namespace {

using core::Error;
using core::EventType;

// Matches per page of a saved search (the API's maximum; only the IDs and titles are asked for).
constexpr int k_search_page_size = 1000;
constexpr const char* k_search_fields = "NCTId,BriefTitle";

// The registry's calendar date of `data_timestamp` ("2026-08-19T09:00:06" -> "2026-08-19"), else today's UTC date.
std::string registry_date(std::string_view data_timestamp, core::Clock::TimePoint now) {
  const auto date = core::PartialDate::parse(data_timestamp.substr(0, 10));
  if (date && date->precision() == core::PartialDate::Precision::day) return date->str();
  return core::format_rfc3339(now).substr(0, 10);
}

// The day before `date` (yyyy-MM-dd), or `date` itself when it is not a full date.
std::string day_before(std::string_view date) {
  const auto parsed = core::PartialDate::parse(date);
  const auto before = parsed ? parsed->plus_days(-1) : std::nullopt;
  return before ? before->str() : std::string(date);
}

// The search_matched event for a study that saved search `name` found.
core::ChangeEvent search_matched(const std::string& name, const core::NctId& id, const std::string& title) {
  return core::ChangeEvent{
      EventType::search_matched,
      core::Provenance::tracking,
      {},
      {},
      core::json_quote(name),
      fmt::format("Saved search '{}' found {}: {}", name, id.str(), title.empty() ? "(no title)" : title)};
}

// Visit the studies matching `params` as RegistryClient::list() does, but let no single unreadable record stop the
// listing: when a page or a study cannot be read, list the matches again as IDs only and visit them through
// by_ids(), which skips the bad record. `visit` may see a study twice and must ignore repeats. Return the IDs
// skipped (empty when the plain listing worked).
core::Result<std::vector<fetch::UnreadableStudy>> list_past_poison(fetch::RegistryClient& registry,
                                                                   const fetch::QueryParams& params, int page_size,
                                                                   const fetch::StudyVisitor& visit,
                                                                   std::size_t limit) {
  auto listed = registry.list(params, page_size, visit, limit);
  if (listed) return std::vector<fetch::UnreadableStudy>{};
  if (listed.error().code != Error::Code::unreadable) return std::move(listed).error();
  fetch::QueryParams ids_only;
  std::string fields;
  for (const auto& param : params) {
    if (param.first == "fields")
      fields = param.second;
    else
      ids_only.push_back(param);
  }
  ids_only.emplace_back("fields", "NCTId");
  std::vector<core::NctId> ids;
  auto collected = registry.list(
      ids_only, k_search_page_size,
      [&](const std::string& json) -> core::Result<core::Ok> {
        TW_TRY(facts, diff::read_study_facts(json));
        if (auto id = core::NctId::parse(facts->nct_id)) ids.push_back(*id);
        return core::Ok{};
      },
      limit);
  if (!collected) return std::move(collected).error();
  TW_TRY(visited, registry.by_ids(ids, fields, page_size, visit));
  return std::move(visited->unreadable);
}

}  // namespace

fetch::QueryParams search_params(const core::SearchConfig& search) {
  fetch::QueryParams params;
  if (!search.cond.empty()) params.emplace_back("query.cond", search.cond);
  if (!search.intr.empty()) params.emplace_back("query.intr", search.intr);
  if (!search.term.empty()) params.emplace_back("query.term", search.term);
  if (!search.spons.empty()) params.emplace_back("query.spons", search.spons);
  if (!search.advanced.empty()) params.emplace_back("filter.advanced", search.advanced);
  return params;
}

fetch::QueryParams windowed_search_params(const core::SearchConfig& search, std::string_view window_date) {
  fetch::QueryParams params = search_params(search);
  const std::string window = fmt::format("AREA[LastUpdatePostDate]RANGE[{},MAX]", day_before(window_date));
  const auto advanced =
      std::find_if(params.begin(), params.end(), [](const auto& p) { return p.first == "filter.advanced"; });
  if (advanced == params.end())
    params.emplace_back("filter.advanced", window);
  else
    advanced->second = fmt::format("({}) AND {}", advanced->second, window);
  return params;
}

std::string search_fingerprint(const core::SearchConfig& search) {
  std::string out;
  for (const auto& [key, value] : search_params(search)) out += key + "=" + value + "\n";
  return out;
}

Discovery::Discovery(fetch::RegistryClient& registry, store::Discoveries& discoveries, const store::Versions& versions,
                     const core::Clock& clock, const core::Logger& logger, DiscoveryOptions options, EventRouter route,
                     EventPublisher publish)
    : m_registry(registry),
      m_discoveries(discoveries),
      m_versions(versions),
      m_clock(clock),
      m_logger(logger),
      m_options(std::move(options)),
      m_route(std::move(route)),
      m_publish(std::move(publish)) {}

bool Discovery::searches_due(std::string_view data_timestamp) const {
  for (const auto& search : m_options.searches) {
    const auto state = m_discoveries.search(search.name);
    if (!state || state->fingerprint != search_fingerprint(search) || state->completed_data_timestamp != data_timestamp)
      return true;
  }
  return false;
}

bool Discovery::subjects_due() const {
  if (m_options.related.mode == core::RelatedConfig::Mode::off) return false;
  return !m_discoveries.due_subjects(m_clock.now() - m_options.rediscover_after, 1).empty();
}

core::Result<int> Discovery::run_searches(std::string_view data_timestamp) {
  int tracked = 0;
  std::optional<std::set<std::string>> listed;  // the watch list, tracked or untracked
  for (const auto& search : m_options.searches) {
    const auto state = m_discoveries.search(search.name);
    if (state && state->fingerprint == search_fingerprint(search) && state->completed_data_timestamp == data_timestamp)
      continue;
    if (!listed) listed = m_discoveries.listed();  // read once, kept current below
    TW_TRY(found, run_search(search, data_timestamp, *listed));
    tracked += *found;
  }
  return tracked;
}

core::Result<int> Discovery::run_search(const core::SearchConfig& search, std::string_view data_timestamp,
                                        std::set<std::string>& listed) {
  const std::string fingerprint = search_fingerprint(search);
  const std::string source = "search:" + search.name;
  const auto state = m_discoveries.search(search.name);
  const bool first_run = !state || state->fingerprint != fingerprint || state->window_date.empty();
  auto params = first_run ? search_params(search) : windowed_search_params(search, state->window_date);
  params.emplace_back("fields", k_search_fields);

  const int room = std::max(0, search.max_matches - m_discoveries.listed_from(source));
  std::vector<store::FoundStudy> found;
  std::unordered_set<std::string> found_ids;  // a study listed twice in one answer counts once
  bool over_cap = false;
  const auto visit = [&](const std::string& json) -> core::Result<core::Ok> {
    TW_TRY(facts, diff::read_study_facts(json));  // unreadable: by_ids() skips the study
    const auto id = core::NctId::parse(facts->nct_id);
    if (!id) return Error{Error::Code::bad_response, fmt::format("the registry listed a study '{}'", facts->nct_id)};
    if (listed.count(id->str()) > 0) return core::Ok{};  // tracked, or untracked on purpose: leave it as it is
    if (found_ids.count(id->str()) > 0) return core::Ok{};
    if (static_cast<int>(found.size()) >= room) {
      over_cap = true;
      return core::Ok{};
    }
    found_ids.insert(id->str());
    store::FoundStudy study{*id, true, {}, {}, {}, facts->brief_title, 0, {}};
    if (!first_run) {  // the first run tracks quietly: its studies get their study_tracked baseline only
      study.event = search_matched(search.name, *id, facts->brief_title);
      study.event_id = diff::event_id(id->str(), "", source, EventType::search_matched, "");
      study.channels = channels_for(EventType::search_matched, id->str(), source);
    }
    found.push_back(std::move(study));
    return core::Ok{};
  };
  auto visited =
      list_past_poison(m_registry, params, k_search_page_size, visit, std::numeric_limits<std::size_t>::max());
  if (!visited) {
    if (visited.error().code != Error::Code::invalid_input) return std::move(visited).error();
    // The registry rejected the expression: say so, keep the window, and try again after the next refresh.
    m_logger.log(core::LogLevel::warning, "saved search '{}' was rejected: {}; fix it in the configuration",
                 search.name, visited.error().message);
    m_discoveries.reject_search(search.name, fingerprint, visited.error().message, data_timestamp);
    return 0;
  }
  if (over_cap)
    m_logger.log(core::LogLevel::warning,
                 "saved search '{}' matches more studies than its max_matches ({}); the rest are not tracked: "
                 "narrow the search or raise max_matches",
                 search.name, search.max_matches);
  for (const auto& study : *visited)
    m_logger.log(core::LogLevel::warning,
                 "saved search '{}' skipped {}: {}; the search keeps its window and looks again after the next "
                 "registry refresh",
                 search.name, study.id.str(), study.reason);
  // A skipped match is not lost: the window moves only when every match could be read.
  const std::string window = visited->empty()      ? registry_date(data_timestamp, m_clock.now())
                             : state && !first_run ? state->window_date
                                                   : std::string();
  const store::SearchState done{search.name, fingerprint, std::string(data_timestamp), window, {}, {}};
  const auto stored = m_discoveries.complete_search(done, found, data_timestamp, m_clock.now());
  for (const auto& study : found) listed.insert(study.id.str());
  for (std::size_t i = 0; i < found.size(); ++i)
    if (stored[i]) publish(found[i], source, data_timestamp);
  m_logger.log(core::LogLevel::info, "saved search '{}' ({}): {} new {} tracked", search.name,
               first_run ? "first run" : "since " + day_before(state->window_date), found.size(),
               found.size() == 1 ? "study" : "studies");
  return static_cast<int>(found.size());
}

core::Result<int> Discovery::discover_related(std::string_view data_timestamp) {
  int tracked = 0;
  if (m_options.related.mode == core::RelatedConfig::Mode::off) return tracked;
  const auto cutoff = m_clock.now() - m_options.rediscover_after;
  const auto subjects = m_discoveries.due_subjects(cutoff, m_options.subjects_per_cycle);
  if (subjects.size() == m_options.subjects_per_cycle) {
    const auto waiting = m_discoveries.count_due_subjects(cutoff) - subjects.size();
    if (waiting > 0)
      m_logger.log(core::LogLevel::info, "related trials: {} studies wait for a later cycle (at most {} per cycle)",
                   waiting, m_options.subjects_per_cycle);
  }
  auto listed = m_discoveries.listed();  // read once for all subjects, kept current by discover_for
  for (const auto& subject : subjects) {
    TW_TRY(found, discover_for(subject, data_timestamp, listed));
    tracked += *found;
  }
  return tracked;
}

core::Result<int> Discovery::discover_for(const core::NctId& subject, std::string_view data_timestamp,
                                          std::set<std::string>& listed) {
  const auto document = m_versions.latest(subject);
  if (!document) return Error{Error::Code::io, fmt::format("the stored version of {} cannot be read", subject.str())};
  TW_TRY(profile, diff::read_profile(document->raw_json));
  TW_TRY(candidates, find_candidates(subject, *profile, listed));

  const std::string source = "related:" + subject.str();
  const bool track = m_options.related.mode == core::RelatedConfig::Mode::track;
  std::vector<store::FoundStudy> found;
  for (auto& candidate : *candidates) {
    const auto id = core::NctId::parse(candidate.profile.nct_id);
    if (!id) continue;
    found.push_back(suggestion(subject, *id, candidate, track));
  }
  const auto stored = m_discoveries.complete_discovery(subject, found, data_timestamp, m_clock.now());
  if (track)
    for (const auto& study : found) listed.insert(study.id.str());
  for (std::size_t i = 0; i < found.size(); ++i)
    if (stored[i]) publish(found[i], source, data_timestamp);
  m_logger.log(core::LogLevel::info, "related trials of {}: {} new {}{}", subject.str(), found.size(),
               found.size() == 1 ? "suggestion" : "suggestions", track ? " (tracked)" : "");
  return track ? static_cast<int>(found.size()) : 0;
}

core::Result<std::vector<Discovery::Candidate>> Discovery::find_candidates(const core::NctId& subject,
                                                                           const diff::StudyProfile& profile,
                                                                           const std::set<std::string>& listed) {
  const auto suggested = m_discoveries.suggested(subject);
  std::map<std::string, Candidate> candidates;  // by NCT ID: each candidate once, whichever query found it
  for (const auto& query : diff::candidate_queries(profile)) {
    auto visited = list_past_poison(
        m_registry, query, diff::k_candidates_per_query,
        [&](const std::string& json) -> core::Result<core::Ok> {
          TW_TRY(candidate, diff::read_profile(json));  // unreadable: by_ids() skips the study
          const std::string id = candidate->nct_id;     // a copy: the profile is moved into the map below
          if (id == subject.str() || listed.count(id) > 0 || suggested.count(id) > 0 || candidates.count(id) > 0)
            return core::Ok{};
          auto relatedness = diff::relatedness(profile, *candidate);
          if (relatedness.score >= diff::k_min_related_score)
            candidates.emplace(id, Candidate{std::move(*candidate), std::move(relatedness)});
          return core::Ok{};
        },
        diff::k_candidates_per_query);
    if (!visited) {
      if (visited.error().code != Error::Code::invalid_input) return std::move(visited).error();
      m_logger.log(core::LogLevel::warning, "a related-trial search for {} was rejected: {}", subject.str(),
                   visited.error().message);
      continue;
    }
    for (const auto& study : *visited)
      m_logger.log(core::LogLevel::warning, "related trials of {}: {} was skipped: {}", subject.str(), study.id.str(),
                   study.reason);
  }
  std::vector<Candidate> ranked;
  for (auto& [id, candidate] : candidates) ranked.push_back(std::move(candidate));
  std::stable_sort(ranked.begin(), ranked.end(), [](const Candidate& a, const Candidate& b) {
    return a.relatedness.score > b.relatedness.score;  // ties keep NCT order (the map's)
  });
  const auto keep = static_cast<std::size_t>(m_options.related.max_per_study);
  if (ranked.size() > keep) ranked.erase(ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end());
  return ranked;
}

store::FoundStudy Discovery::suggestion(const core::NctId& subject, const core::NctId& id, const Candidate& candidate,
                                        bool track) const {
  const std::string source = "related:" + subject.str();
  const auto& [other, relatedness] = candidate;
  store::FoundStudy study{id, track, {}, {}, {}, other.title, relatedness.score, relatedness.reasons};
  study.event = core::ChangeEvent{
      EventType::related_found,
      core::Provenance::tracking,
      {},
      {},
      fmt::format("{{\"related_to\":{},\"score\":{},\"reasons\":{}}}", core::json_quote(subject.str()),
                  relatedness.score, core::json_string_array(relatedness.reasons)),
      fmt::format("{} ({}) looks related to {}: {}", id.str(), other.title.empty() ? "no title" : other.title,
                  subject.str(), core::join(relatedness.reasons, "; "))};
  study.event_id = diff::event_id(id.str(), "", source, EventType::related_found, "");
  study.channels = channels_for(EventType::related_found, id.str(), source);
  return study;
}

std::vector<std::string> Discovery::channels_for(EventType type, const std::string& nct_id,
                                                 const std::string& source) const {
  return m_route ? m_route(type, nct_id, source) : std::vector<std::string>{};
}

void Discovery::publish(const store::FoundStudy& found, const std::string& source,
                        std::string_view data_timestamp) const {
  publish_event(m_logger, m_publish, found.id, found.event, found.event_id, std::nullopt, m_clock.now(), data_timestamp,
                source);
}

}  // namespace trialwatch::daemon
