// SPDX-License-Identifier: MIT
// track, untrack and list.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "store/event_json.hpp"
#include "store/queries.hpp"
#include "store/watch_list.hpp"

#include "report/studies.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace trialwatch::cli {

std::vector<core::NctId> parse_ids(const std::vector<std::string>& texts) {
  std::vector<core::NctId> ids;
  for (const auto& text : texts) ids.push_back(parse_id(text));  // all checked before anything is written
  return ids;
}

int track(const Context& context, const std::vector<std::string>& texts, const std::string& note) {
  const auto ids = parse_ids(texts);
  auto db = context.open_for_writing();
  store::WatchList watch_list(db);
  for (const auto& id : ids) {
    const bool added = watch_list.track(id, "cli", note, core::SystemClock{}.now());
    std::printf("%s %s\n", id.str().c_str(),
                added ? "tracked; trialwatchd fetches it at its next watch-list poll" : "was already tracked");
  }
  return 0;
}

namespace {

// Warn on stderr about each of `ids` that sync.track of the daemon's configuration lists: the daemon tracks it
// again at its next start or reload, so untracking it here alone does not stick.
void warn_if_tracked_by_config(const Context& context, const std::vector<core::NctId>& ids) {
  std::optional<core::Config> config;
  try {
    config = context.read_config();
  } catch (const core::ConfigError& e) {
    std::fprintf(stderr, "trialwatch: %s; cannot tell whether its sync.track lists these studies\n", e.what());
    return;
  }
  if (!config) return;
  const auto& listed = config->sync.track;
  for (const auto& id : ids)
    if (std::find(listed.begin(), listed.end(), id) != listed.end())
      std::fprintf(stderr,
                   "trialwatch: %s is listed in sync.track in %s; remove it there, or it is tracked again at the "
                   "next start or reload\n",
                   id.str().c_str(), context.config_path().c_str());
}

}  // namespace

int untrack(const Context& context, const std::vector<std::string>& texts) {
  const auto ids = parse_ids(texts);
  auto db = context.open_for_writing();
  store::WatchList watch_list(db);
  for (const auto& id : ids)
    std::printf("%s %s\n", id.str().c_str(),
                watch_list.untrack(id) ? "untracked; its history is kept" : "was not tracked");
  std::fflush(stdout);  // the warnings follow the lines they are about
  warn_if_tracked_by_config(context, ids);
  return 0;
}

namespace {

// The STATUS cell: the registry's overall status, or why there is none.
std::string status_text(const store::ListedStudy& study) {
  if (study.state == store::StudyState::not_found) return "not found — check the ID";
  return study.summary.overall_status.empty() ? "(not synced yet)" : study.summary.overall_status;
}

}  // namespace

int list(const Context& context, Format format) {
  auto db = context.open_for_reading();
  const auto studies = store::Queries(db).list();
  const auto results =
      report::tracked_results(db, std::chrono::floor<std::chrono::days>(context.now()), due_after_or_default(context));
  if (format != Format::human) {
    write_out(report::studies_json(studies, results));
    return 0;
  }
  if (studies.empty()) {
    std::puts("No studies are tracked. Add one with: trialwatch track NCT06613490");
    return 0;
  }
  // RESULTS leads the cell of TITLE, the column that gives way, padded to align as a column of its own: it moves
  // with the title to a line of its own on a narrow terminal, and the cut takes the title's end, never the results.
  std::vector<std::string> results_cells;
  std::size_t results_width = display_width("RESULTS");
  for (const auto& s : studies) {
    const auto* due = report::results_of(results, s.entry.id);
    results_cells.push_back(due ? results_cell(*due) : "");
    results_width = std::max(results_width, display_width(results_cells.back()));
  }
  const auto results_and = [results_width](const std::string& cell, const std::string& title) {
    if (title.empty()) return cell;
    return cell + std::string(results_width - display_width(cell) + 2, ' ') + title;
  };
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < studies.size(); ++i) {
    const auto& s = studies[i];
    rows.push_back({s.entry.id.str(), status_text(s), s.summary.last_update_post_date, s.entry.source,
                    std::to_string(s.versions),
                    s.last_event ? fmt::format("{} {}", core::event_type_name(s.last_event->type),
                                               ago(s.last_event->detected_at, context.now()))
                                 : "",
                    results_and(results_cells[i], s.summary.title)});
  }
  write_out(table({"STUDY", "STATUS", "UPDATED", "WHY", "VERSIONS", "LAST EVENT", results_and("RESULTS", "TITLE")},
                  rows, context.width()));
  return 0;
}

}  // namespace trialwatch::cli
