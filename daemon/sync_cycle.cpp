// SPDX-License-Identifier: MIT
#include "daemon/sync_cycle.hpp"

#include "core/json_text.hpp"
#include "core/strings.hpp"
#include "daemon/publish.hpp"
#include "daemon/schedule.hpp"
#include "diff/event_id.hpp"
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace trialwatch::daemon {

namespace {

using core::Error;
using core::EventType;
using core::NctId;
using core::Provenance;
using store::RunOutcome;
using store::StudyState;

// Say whether the watermark fields of a projected answer differ from what the store holds.
bool watermark_moved(const store::StudySummary& stored, const store::StudySummary& seen) {
  return stored.last_update_post_date != seen.last_update_post_date || stored.overall_status != seen.overall_status ||
         stored.results_first_submit_date != seen.results_first_submit_date ||
         stored.results_first_post_date != seen.results_first_post_date || stored.has_results != seen.has_results ||
         stored.reset_dates != seen.reset_dates;
}

// Say whether a study whose watermark answer gave `facts` must be fetched in full: never stored, not present,
// changed, or a reconcile is due.
bool needs_full_fetch(const store::StoredStudy* stored, const diff::StudyFacts& facts, bool reconcile_due) {
  return !stored || reconcile_due || stored->state != StudyState::present ||
         watermark_moved(stored->summary, summary_of(facts));
}

// The outcome the run record keeps for a cycle that ended `outcome`.
RunOutcome recorded_outcome(CycleOutcome outcome) {
  switch (outcome) {
    case CycleOutcome::unchanged:
      return RunOutcome::unchanged;
    case CycleOutcome::completed:
      return RunOutcome::ok;
    case CycleOutcome::partial:
      return RunOutcome::partial;
    case CycleOutcome::failed:
      return RunOutcome::failed;
  }
  return RunOutcome::failed;
}

// The warning and run-record sentence for one study skipped because its record could not be read.
// From this many studies to fetch in full (an initial load), the log tells how far the fetch has got.
constexpr std::size_t k_progress_from = 500;

std::string skipped_line(const fetch::UnreadableStudy& study) {
  return fmt::format("{} was skipped: the registry's record could not be read ({}); it is retried next cycle",
                     study.id.str(), study.reason);
}

// The run record's sentence for the studies a partial cycle skipped: the first five by ID, and the first reason.
std::string skipped_sentence(const std::vector<fetch::UnreadableStudy>& skipped) {
  if (skipped.size() == 1) return skipped_line(skipped.front());
  constexpr std::size_t k_named = 5;
  std::string ids;
  for (std::size_t i = 0; i < std::min(skipped.size(), k_named); ++i) ids += (i > 0 ? ", " : "") + skipped[i].id.str();
  if (skipped.size() > k_named) ids += fmt::format(" and {} more", skipped.size() - k_named);
  return fmt::format(
      "{} studies were skipped because the registry's records could not be read ({}; the first: {}); they are "
      "retried next cycle",
      skipped.size(), ids, skipped.front().reason);
}

// The work of one run: everything it learns on the way, and its counters.
class CycleRun {
 public:
  CycleRun(fetch::RegistryClient& registry, CycleStore store, const core::Clock& clock, const core::Logger& logger,
           const CycleOptions& options)
      : m_registry(registry),
        m_store(store),
        m_clock(clock),
        m_logger(logger),
        m_options(options),
        m_step(options.route),
        m_discovery(registry, store.discoveries, store.versions, clock, logger, options.discovery, options.route,
                    [this](const store::StoredEvent& event) {
                      ++m_record.events;
                      if (m_options.on_event) m_options.on_event(event);
                    }) {}

  CycleReport run() {
    const auto started = m_clock.now();
    m_record.id = m_store.runs.begin(started);
    m_record.started_at = core::format_rfc3339(started);
    const auto result = steps(started);
    m_record.requests = m_registry.stats().requests;
    m_record.bytes = m_registry.stats().bytes;
    m_record.finished_at = core::format_rfc3339(m_clock.now());
    const CycleOutcome outcome = result ? *result : CycleOutcome::failed;
    m_record.outcome = recorded_outcome(outcome);
    if (!result)
      m_record.error = result.error().message;
    else if (outcome == CycleOutcome::partial)
      m_record.error = skipped_sentence(m_skipped);
    m_store.runs.finish(m_record);
    if (outcome == CycleOutcome::completed || outcome == CycleOutcome::partial) {
      crash_point("before_watermark");
      // Skipped studies leave this data unsynced: the next cycle checks again and retries them.
      if (outcome == CycleOutcome::completed) m_store.runs.set_completed_data_timestamp(m_data_timestamp);
      // The first complete cycle fetched every study in full: it counts as the first reconcile. A partial one counts
      // too, or a due reconcile would fetch everything again every cycle until the skipped records are fixed.
      if (m_reconciled) m_store.runs.set_last_reconcile(started);
    }
    return CycleReport{outcome, m_record, m_skipped, m_rejected};
  }

 private:
  fetch::RegistryClient& m_registry;
  CycleStore m_store;
  const core::Clock& m_clock;
  const core::Logger& m_logger;
  const CycleOptions& m_options;
  store::RunRecord m_record;
  std::string m_data_timestamp;
  StudyStep m_step;                 // each fully fetched study: read, compare with the store, diff, classify
  diff::StudyDiffer m_projections;  // reads the watermark pass's answers with one reused parser
  std::unordered_map<std::string, std::string> m_sources;  // NCT ID -> why tracked
  std::unordered_set<std::string> m_plain;                 // to fetch, seen in the watermark pass without results
  // What the store held when this run first asked (every stored state in one query, not one per tracked study; a
  // study missing from it had nothing stored). Each study is stored at most once per run.
  std::optional<store::StoredStudies> m_stored;
  std::unordered_set<std::string> m_handled;  // studies fetched in full and handled in this run (narrowing revisits)
  std::vector<fetch::UnreadableStudy> m_skipped;  // studies whose records could not be read: the run is partial
  std::vector<NctId> m_rejected;                  // IDs the registry rejects as malformed
  Discovery m_discovery;
  bool m_reconciled = false;                 // this run fetched every tracked study in full
  std::vector<store::NewVersion> m_pending;  // handled studies not yet committed (see CycleOptions::commit_studies)
  std::size_t m_pending_bytes = 0;
  std::size_t m_to_fetch = 0;      // studies this run asked for in full
  std::size_t m_logged_tenth = 0;  // how far the progress log has got, in tenths of m_to_fetch

  core::Result<CycleOutcome> steps(core::Clock::TimePoint started) {
    TW_TRY(version, m_registry.version());
    m_data_timestamp = version->data_timestamp;
    m_record.data_timestamp = m_data_timestamp;
    // Data older than the last synced (a rollback, a stale mirror behind a load balancer) would make every change
    // since look reverted: record nothing until the registry catches up.
    if (const auto synced = m_store.runs.completed_data_timestamp(); synced && m_data_timestamp < *synced) {
      m_logger.log(core::LogLevel::warning,
                   "registry data {} is older than {}, the last synced; nothing recorded until it catches up",
                   m_data_timestamp, *synced);
      return CycleOutcome::unchanged;
    }

    const bool reconcile_due = m_options.force_reconcile || reconcile_is_due(started);
    if (m_store.runs.completed_data_timestamp() == m_data_timestamp &&
        m_store.watch_list.tracked_without_version().empty() && !reconcile_due &&
        !m_discovery.searches_due(m_data_timestamp) && !m_discovery.subjects_due()) {
      m_logger.log(core::LogLevel::info, "registry data {} already synced; nothing to do", m_data_timestamp);
      return CycleOutcome::unchanged;
    }

    // Saved searches first: the studies they track are checked and fetched with the others below.
    TW_TRY(searched, m_discovery.run_searches(m_data_timestamp));

    std::vector<NctId> tracked;
    const auto watchlist = m_store.watch_list.entries();
    m_sources.reserve(watchlist.size());
    for (const auto& entry : watchlist) {
      m_sources[entry.id.str()] = entry.source;
      const auto* stored = stored_state(entry.id);
      if (stored && stored->state == StudyState::aliased) continue;
      tracked.push_back(entry.id);
    }

    // Watermark pass: a small projection of every tracked study, in batches. Each answer is compared with the
    // stored state at once, so 100,000 projections are never held in memory.
    std::unordered_set<std::string> seen;
    std::unordered_set<std::string> moved;  // seen, and new, changed or due for a full fetch
    std::map<std::string, std::string> canonical_of_alias;
    auto skipped =
        m_registry.by_ids(tracked, k_watermark_fields, m_options.watermark_page_size,
                          [&](const std::string& json) -> core::Result<core::Ok> {
                            beat();
                            TW_TRY(facts, m_projections.read(json));  // unreadable: by_ids() skips it
                            if (facts->nct_id.empty())
                              return Error{Error::Code::bad_response, "the registry listed a study without an NCT ID"};
                            for (const auto& alias : facts->aliases) canonical_of_alias[alias] = facts->nct_id;
                            seen.insert(facts->nct_id);
                            const auto id = NctId::parse(facts->nct_id);
                            if (!id || needs_full_fetch(stored_state(*id), *facts, reconcile_due)) {
                              moved.insert(facts->nct_id);
                              if (facts->has_results == false) m_plain.insert(facts->nct_id);
                            }
                            return core::Ok{};
                          });
    if (!skipped) return std::move(skipped).error();
    std::set<std::string> skipped_ids;
    for (const auto& id : skipped->rejected) {
      skipped_ids.insert(id.str());
      reject(id);
    }
    for (const auto& study : skipped->unreadable) {
      skipped_ids.insert(study.id.str());
      skip(study);
    }
    m_record.checked = static_cast<int>(seen.size());
    m_logger.log(core::LogLevel::debug, "watermark pass: {} of {} tracked studies listed, {} new, changed or due{}",
                 seen.size(), tracked.size(), moved.size(), reconcile_due ? " (full reconcile)" : "");

    // Decide what needs a full fetch; confirm what is missing before recording anything about it.
    std::vector<NctId> to_fetch;
    std::set<std::string> wanted;
    for (const auto& id : tracked) {
      if (skipped_ids.count(id.str()) > 0) continue;
      if (seen.count(id.str()) > 0) {
        if (moved.count(id.str()) > 0) {
          to_fetch.push_back(id);
          wanted.insert(id.str());
        }
        continue;
      }
      if (const auto alias = canonical_of_alias.find(id.str()); alias != canonical_of_alias.end()) {
        TW_TRY(recorded, record_alias(id, alias->second));
        continue;
      }
      m_logger.log(core::LogLevel::debug, "{} was not listed; asking the registry for it alone", id.str());
      TW_TRY(confirmed, confirm_missing(id, to_fetch, wanted));
    }

    // Newly tracked canonical records of aliases are fetched in the same pass.
    add_newly_tracked(to_fetch, wanted);
    TW_TRY(fetched, fetch_in_full(to_fetch, wanted));

    // Related trials of the studies now stored; the ones it tracks (mode track) are fetched in this cycle too.
    TW_TRY(discovered, m_discovery.discover_related(m_data_timestamp));
    if (*discovered > 0) {
      std::vector<NctId> related;
      std::set<std::string> related_wanted;
      add_newly_tracked(related, related_wanted);
      TW_TRY(fetched_related, fetch_in_full(related, related_wanted));
    }

    // The watermarks advance in run(), after the run is recorded.
    m_reconciled = reconcile_due || !m_store.runs.last_reconcile();
    m_logger.log(core::LogLevel::info, "sync of {} {}: {} checked, {} fetched, {} changed, {} event{}{}",
                 m_data_timestamp, m_skipped.empty() ? "complete" : store::run_outcome_name(RunOutcome::partial),
                 core::counted(static_cast<std::size_t>(m_record.checked), "study", "studies"), m_record.fetched,
                 m_record.changed, m_record.events, m_record.events == 1 ? "" : "s",
                 m_skipped.empty() ? std::string() : fmt::format(", {} skipped", m_skipped.size()));
    return m_skipped.empty() ? CycleOutcome::completed : CycleOutcome::partial;
  }

  // Log an ID the registry rejects as malformed, once, and remember it; it is left out until that changes.
  void reject(const NctId& id) {
    if (std::find(m_rejected.begin(), m_rejected.end(), id) != m_rejected.end()) return;
    m_logger.log(core::LogLevel::warning, "the registry rejects {} as malformed; it is skipped until that changes",
                 id.str());
    m_rejected.push_back(id);
  }

  // Log a study whose record could not be read, once, and remember it: the run ends partial.
  void skip(const fetch::UnreadableStudy& study) {
    for (const auto& earlier : m_skipped)
      if (earlier.id == study.id) return;
    m_logger.log(core::LogLevel::warning, "{}", skipped_line(study));
    m_skipped.push_back(study);
  }

  // Add the watch-list entries this run has not seen yet to `to_fetch` and `wanted`.
  void add_newly_tracked(std::vector<NctId>& to_fetch, std::set<std::string>& wanted) {
    if (m_store.watch_list.size() <= m_sources.size()) return;  // nothing new: spare reading the whole list
    for (const auto& entry : m_store.watch_list.entries()) {
      if (m_sources.count(entry.id.str()) > 0) continue;
      m_sources[entry.id.str()] = entry.source;
      if (wanted.insert(entry.id.str()).second) to_fetch.push_back(entry.id);
    }
  }

  // Fetch `ids` in full and store what changed, skipping studies whose records cannot be read; studies handled before
  // a failure are kept (a re-run will not store them again).
  core::Result<core::Ok> fetch_in_full(const std::vector<NctId>& ids, const std::set<std::string>& wanted) {
    std::vector<fetch::ExpectedStudy> studies;  // a study not seen in the watermark pass may have results
    for (const auto& id : ids)
      studies.push_back({id, m_plain.count(id.str()) > 0 ? m_options.plain_bytes : m_options.results_bytes});
    m_to_fetch += ids.size();
    if (!ids.empty())
      m_logger.log(ids.size() >= k_progress_from ? core::LogLevel::info : core::LogLevel::debug, "fetching {} in full",
                   core::counted(ids.size(), "study", "studies"));
    auto fetched = m_registry.documents(studies, m_options.page_bytes,
                                        [&](std::string json) { return store_study(std::move(json), wanted); });
    flush();
    if (!fetched) return std::move(fetched).error();
    for (const auto& id : fetched->rejected) reject(id);
    for (const auto& study : fetched->unreadable) skip(study);
    return core::Ok{};
  }

  // Return what the store held for `id` at this run's first look, or nullptr if it held nothing.
  const store::StoredStudy* stored_state(const NctId& id) {
    if (!m_stored) m_stored = m_store.versions.studies();
    return m_stored->find(id);
  }

  bool reconcile_is_due(core::Clock::TimePoint now) const {
    const auto last = m_store.runs.last_reconcile();
    if (!last) return false;  // the first full load is the first reconcile
    const auto at = core::parse_utc_time(*last);
    return !at || now - *at >= m_options.full_reconcile;
  }

  // Handle one fully fetched study: queue its new version, changes and events for the next commit, unless this run
  // handled it already (listed twice, or asked for again while by_ids() narrowed a batch). A record that cannot be
  // read is unreadable.
  core::Result<core::Ok> store_study(std::string json, const std::set<std::string>& wanted) {
    beat();
    TW_TRY(study, m_step.read(std::move(json)));
    const NctId id = study->id;
    if (wanted.count(id.str()) == 0)
      return Error{Error::Code::bad_response,
                   fmt::format("the registry answered with study '{}', which was not asked for", id.str())};
    if (m_handled.count(id.str()) > 0) return core::Ok{};
    m_handled.insert(id.str());
    ++m_record.fetched;

    const std::string source = source_of(id);
    TW_TRY(version, m_step.new_version(std::move(*study), stored_state(id), m_store.versions,
                                       StepContext{m_data_timestamp, m_clock.now(), source}));
    if (!*version) return core::Ok{};
    m_pending_bytes += (*version)->raw_json.size();
    m_pending.push_back(std::move(**version));
    if (m_pending.size() >= m_options.commit_studies || m_pending_bytes >= m_options.commit_bytes) flush();
    return core::Ok{};
  }

  void crash_point(std::string_view name) const {
    if (m_options.crash_point) m_options.crash_point(name);
  }

  // Commit the pending versions in one transaction (each study's version, changes and events together), then
  // publish the events that were stored.
  void flush() {
    if (m_pending.empty()) return;
    crash_point("before_commit");
    const auto numbers = m_store.versions.record_versions(m_pending);
    crash_point("after_commit");
    for (std::size_t i = 0; i < m_pending.size(); ++i) {
      if (!numbers[i]) continue;
      const auto& version = m_pending[i];
      ++m_record.changed;
      m_record.events += static_cast<int>(version.events.size());
      for (std::size_t e = 0; e < version.events.size(); ++e)
        publish(version.id, version.events[e], version.event_ids[e], numbers[i], version.fetched_at);
    }
    m_pending.clear();
    m_pending_bytes = 0;
    report_progress();
    beat();
  }

  // Record the counters so far in the run, for `trialwatch status`; log each tenth of a long fetch.
  void report_progress() {
    m_store.runs.progress(m_record);
    if (m_to_fetch < k_progress_from) return;
    const auto tenth = static_cast<std::size_t>(m_record.fetched) * 10 / m_to_fetch;
    if (tenth <= m_logged_tenth || tenth >= 10) return;
    m_logged_tenth = tenth;
    m_logger.log(core::LogLevel::info, "fetched {} of {} studies ({} changed)", m_record.fetched, m_to_fetch,
                 m_record.changed);
  }

  // Log a committed event and hand it to the options' sink.
  void publish(const NctId& id, const core::ChangeEvent& event, const std::string& event_id, std::optional<int> version,
               core::Clock::TimePoint at) {
    publish_event(m_logger, m_options.on_event, id, event, event_id, version, at, m_data_timestamp, source_of(id));
  }

  // Record a study's new state with its one event, and publish the event if it was new.
  void record_state(const NctId& id, StudyState state, std::string_view alias_of, const core::ChangeEvent& event,
                    const std::string& event_id) {
    const auto now = m_clock.now();
    const int stored = m_store.versions.record_study_state(id, state, alias_of, {event}, {event_id}, m_data_timestamp,
                                                           now, {channels_for(id, event.type)});
    m_record.events += stored;
    if (stored > 0) {
      const auto* latest = stored_state(id);
      publish(id, event, event_id,
              latest && latest->latest_version > 0 ? std::optional<int>(latest->latest_version) : std::nullopt, now);
    }
  }

  std::vector<std::string> channels_for(const NctId& id, EventType type) const {
    if (!m_options.route) return {};
    return m_options.route(type, id.str(), source_of(id));
  }

  // Return why `id` is tracked, as the watch list said when this run read it ("cli" if it was not listed).
  std::string source_of(const NctId& id) const {
    const auto source = m_sources.find(id.str());
    return source != m_sources.end() ? source->second : "cli";
  }

  void beat() const {
    if (m_options.heartbeat) m_options.heartbeat();
  }

  core::Result<core::Ok> record_alias(const NctId& alias, const std::string& canonical_text) {
    auto canonical = NctId::parse(canonical_text);
    if (!canonical)
      return Error{Error::Code::bad_response, fmt::format("the registry named '{}' as canonical", canonical_text)};
    const auto* stored = stored_state(alias);
    const std::string from = stored ? stored->hash : "";
    const core::ChangeEvent event{
        EventType::study_aliased,
        Provenance::registry_reprocessing,
        "protocolSection.identificationModule.nctIdAliases",
        core::json_quote(alias.str()),
        core::json_quote(canonical->str()),
        fmt::format("{} is now an alias of {}; its history continues there", alias.str(), canonical->str())};
    record_state(alias, StudyState::aliased, canonical->str(), event,
                 diff::event_id(alias.str(), from,
                                fmt::format("{}:{}", store::study_state_name(StudyState::aliased), canonical->str()),
                                EventType::study_aliased, ""));
    m_store.watch_list.track(*canonical, source_of(alias), fmt::format("canonical record of {}", alias.str()),
                             m_clock.now());
    return core::Ok{};
  }

  // A study the registry never served is not a removal: say so once, store no event, and keep asking.
  core::Result<core::Ok> record_never_found(const NctId& id) {
    m_store.versions.record_study_state(id, StudyState::not_found, "", {}, {}, m_data_timestamp, m_clock.now());
    m_logger.log(core::LogLevel::warning,
                 "{} not found in the registry: check the ID (trialwatch untrack {} stops asking for it)", id.str(),
                 id.str());
    return core::Ok{};
  }

  core::Result<core::Ok> confirm_missing(const NctId& id, std::vector<NctId>& to_fetch, std::set<std::string>& wanted) {
    TW_TRY(lookup, m_registry.study(id));
    switch (lookup->kind) {
      case fetch::StudyLookup::Kind::found:
        // Listed nowhere but served on its own: fetch it with the others rather than invent a removal.
        to_fetch.push_back(id);
        wanted.insert(id.str());
        return core::Ok{};
      case fetch::StudyLookup::Kind::moved:
        return record_alias(id, lookup->moved_to);
      case fetch::StudyLookup::Kind::not_found: {
        const auto* stored = stored_state(id);
        if (stored && (stored->state == StudyState::removed || stored->state == StudyState::not_found))
          return core::Ok{};
        if (!stored || stored->latest_version == 0) return record_never_found(id);
        const core::ChangeEvent event{
            EventType::study_removed,
            Provenance::registry_reprocessing,
            {},
            {},
            {},
            fmt::format("The registry no longer has {} (confirmed: GET /studies/{} answered 404)", id.str(), id.str())};
        record_state(id, StudyState::removed, "", event,
                     diff::event_id(id.str(), stored ? stored->hash : "", store::study_state_name(StudyState::removed),
                                    EventType::study_removed, ""));
        return core::Ok{};
      }
    }
    return core::Ok{};
  }
};

}  // namespace

SyncCycle::SyncCycle(fetch::RegistryClient& registry, CycleStore store, const core::Clock& clock,
                     const core::Logger& logger, CycleOptions options)
    : m_registry(registry), m_store(store), m_clock(clock), m_logger(logger), m_options(std::move(options)) {}

CycleReport SyncCycle::run() { return CycleRun(m_registry, m_store, m_clock, m_logger, m_options).run(); }

}  // namespace trialwatch::daemon
