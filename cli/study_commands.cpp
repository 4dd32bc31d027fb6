// SPDX-License-Identifier: MIT
// history, show and diff: one study over time.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"
#include "store/event_json.hpp"
#include "store/history.hpp"
#include "store/queries.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace trialwatch::cli {

namespace {

std::vector<store::VersionInfo> versions_or_fail(const store::Queries& queries, const core::NctId& id) {
  auto versions = queries.versions(id);
  if (versions.empty())
    throw UsageError(
        fmt::format("no version of {} is stored; track it (trialwatch track {}) and let trialwatchd "
                    "sync",
                    id.str(), id.str()));
  return versions;
}

// A long text (several lines or over 120 characters) is shown as a line diff rather than two walls of text.
bool is_long_text(const std::string& json) { return json.size() > 120 || json.find("\\n") != std::string::npos; }

void print_change(const Context& context, const core::FieldChange& change) {
  const std::string op(core::field_op_name(change.op));
  if (change.op == core::FieldChange::Op::replace && (is_long_text(change.old_json) || is_long_text(change.new_json)) &&
      change.old_json.front() == '"' && change.new_json.front() == '"') {
    std::printf("%s  %s\n", context.paint("~", Colour::label).c_str(), change.path.c_str());
    for (const auto& line :
         line_diff(split_lines(plain_value(change.old_json)), split_lines(plain_value(change.new_json)))) {
      if (line.rfind("  ", 0) == 0) continue;  // only what changed; unchanged lines add nothing
      std::printf("    %s\n", context.paint(line, line[0] == '+' ? Colour::added : Colour::removed).c_str());
    }
    return;
  }
  if (change.op == core::FieldChange::Op::add)
    std::printf("%s  %s  %s\n", context.paint("+", Colour::added).c_str(), change.path.c_str(),
                truncate_to(plain_value(change.new_json), 200).c_str());
  else if (change.op == core::FieldChange::Op::remove)
    std::printf("%s  %s  %s\n", context.paint("-", Colour::removed).c_str(), change.path.c_str(),
                truncate_to(plain_value(change.old_json), 200).c_str());
  else
    std::printf("%s  %s  %s → %s\n", context.paint("~", Colour::label).c_str(), change.path.c_str(),
                truncate_to(plain_value(change.old_json), 100).c_str(),
                truncate_to(plain_value(change.new_json), 100).c_str());
  (void)op;
}

}  // namespace

int history(const Context& context, const std::string& text, Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  const auto versions = versions_or_fail(queries, id);
  store::EventQuery query;
  query.nct_id = id;
  auto events = queries.events(query);
  std::reverse(events.begin(), events.end());  // oldest first, like the versions
  if (format != Format::human) {
    std::string out = "{\"nct_id\":" + core::json_quote(id.str()) + ",\"versions\":[";
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const auto& v = versions[i];
      out += fmt::format(R"({}{{"version":{},"fetched_at":{},"data_timestamp":{},"last_update_posted":{},)"
                         R"("raw_size":{},"changes":{}}})",
                         i ? "," : "", v.version, core::json_quote(v.fetched_at), core::json_quote(v.data_timestamp),
                         core::json_quote(v.last_update_post_date), v.raw_size, v.changes);
    }
    out += "],\"events\":[";
    for (std::size_t i = 0; i < events.size(); ++i) out.append(i ? "," : "").append(store::event_json(events[i]));
    std::puts((out + "]}").c_str());
    return 0;
  }
  std::printf("%s: %zu versions, %zu events\n", context.paint(id.str(), Colour::id).c_str(), versions.size(),
              events.size());
  for (const auto& v : versions) {
    std::printf("\nversion %d  fetched %s  last update posted %s  %d field changes\n", v.version,
                dated(v.fetched_at, context.now()).c_str(), v.last_update_post_date.c_str(), v.changes);
    for (const auto& e : events)
      if (e.version == v.version)
        std::printf("  %-20s %s\n", std::string(core::event_type_name(e.type)).c_str(), e.summary.c_str());
  }
  for (const auto& e : events)  // events about the study itself, with no version of their own
    if (!e.version)
      std::printf("\n%s  %s  %s\n", dated(e.detected_at, context.now()).c_str(),
                  std::string(core::event_type_name(e.type)).c_str(), e.summary.c_str());
  return 0;
}

int show(const Context& context, const std::string& text, int version, bool raw) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const auto versions = versions_or_fail(store::Queries(db), id);
  const int wanted = version == 0 ? versions.back().version : version;
  const auto document = store::History(db).document(id, wanted);
  if (!document)
    throw UsageError(
        fmt::format("{} has no version {}; it has versions 1 to {}", id.str(), wanted, versions.back().version));
  if (raw) {
    std::fputs(document->c_str(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  const auto facts = diff::read_study_facts(*document);
  if (!facts) throw std::runtime_error(facts.error().message);
  const auto& v = versions[static_cast<std::size_t>(wanted - 1)];
  std::printf("%s  version %d of %zu, fetched %s\n", context.paint(id.str(), Colour::id).c_str(), wanted,
              versions.size(), dated(v.fetched_at, context.now()).c_str());
  std::printf("%s\n\n", facts->brief_title.c_str());
  const std::vector<std::vector<std::string>> rows{
      {"status", facts->overall_status},
      {"last update posted", facts->last_update_post_date},
      {"start", facts->start.date + (facts->start.type.empty() ? "" : " (" + facts->start.type + ")")},
      {"primary completion",
       facts->primary_completion.date +
           (facts->primary_completion.type.empty() ? "" : " (" + facts->primary_completion.type + ")")},
      {"completion",
       facts->completion.date + (facts->completion.type.empty() ? "" : " (" + facts->completion.type + ")")},
      {"enrollment",
       facts->enrollment_count ? fmt::format("{} ({})", *facts->enrollment_count, facts->enrollment_type) : ""},
      {"results submitted", facts->results_first_submit_date},
      {"results posted", facts->results_first_post_date},
      {"link", "https://clinicaltrials.gov/study/" + id.str()}};
  std::fputs(table({}, rows, context.width()).c_str(), stdout);
  return 0;
}

int diff(const Context& context, const std::string& text, std::optional<int> from, std::optional<int> to,
         Format format) {
  const auto id = parse_id(text);
  auto db = context.open_for_reading();
  const store::Queries queries(db);
  const auto versions = versions_or_fail(queries, id);
  const int last = versions.back().version;
  const int newer = to.value_or(last);
  const int older = from.value_or(newer - 1);
  if (older < 1 || newer > last || older >= newer)
    throw UsageError(fmt::format("{} has versions 1 to {}; --from must be lower than --to", id.str(), last));
  std::vector<core::FieldChange> changes;
  if (newer == older + 1) {
    changes = queries.changes(id, newer);  // exactly what was recorded when the version was stored
  } else {
    store::History history(db);
    const auto before = history.document(id, older);
    const auto after = history.document(id, newer);
    diff::StudyDiffer differ;
    auto computed = differ.diff(*before, *after);
    if (!computed) throw std::runtime_error(computed.error().message);
    changes = std::move(*computed);
  }
  if (format != Format::human) {
    std::string out =
        fmt::format(R"({{"nct_id":{},"from":{},"to":{},"changes":[)", core::json_quote(id.str()), older, newer);
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& c = changes[i];
      out += fmt::format(R"({}{{"op":{},"path":{},"old":{},"new":{}}})", i ? "," : "",
                         core::json_quote(core::field_op_name(c.op)), core::json_quote(c.path),
                         c.old_json.empty() ? "null" : c.old_json, c.new_json.empty() ? "null" : c.new_json);
    }
    std::puts((out + "]}").c_str());
    return 0;
  }
  std::printf("%s  version %d → %d: %zu field changes\n", context.paint(id.str(), Colour::id).c_str(), older, newer,
              changes.size());
  for (const auto& change : changes) print_change(context, change);
  return 0;
}

}  // namespace trialwatch::cli
