// SPDX-License-Identifier: MIT
#include "report/version_diff.hpp"

#include "core/json_text.hpp"
#include "diff/json_diff.hpp"
#include "diff/website_text.hpp"
#include "store/queries.hpp"
#include "store/registry_history.hpp"
#include "store/versions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace trialwatch::report {

namespace {

// The sentence for a past version that was listed but not fetched, or that the registry did not list.
[[noreturn]] void missing_past_version(const core::NctId& id, int number, const std::vector<store::PastVersion>& past) {
  const bool listed =
      std::any_of(past.begin(), past.end(), [&](const auto& p) { return p.registry_version == number; });
  if (listed)
    throw BadParameter(
        fmt::format("the registry's version {} of {} was listed but not fetched (a status backfill); "
                    "fetch it with trialwatch backfill {} --full and let trialwatchd run",
                    number, id.str(), id.str()));
  if (past.empty())
    throw BadParameter(
        fmt::format("{} has no past version from the registry's history; load them with trialwatch "
                    "backfill {} and let trialwatchd run",
                    id.str(), id.str()));
  throw BadParameter(fmt::format("{} has no registry version {}; its past versions are r{} to r{}", id.str(), number,
                                 past.front().registry_version, past.back().registry_version));
}

// A version's name in JSON: a number for a version seen live, "rN" for a past one.
std::string json_label(const VersionName& v) { return v.past ? core::json_quote(version_label(v)) : version_label(v); }

// True when `a` comes before `b` on the study's timeline: past versions before live ones, each in number order.
bool before(const VersionName& a, const VersionName& b) { return a.past != b.past ? a.past : a.number < b.number; }

// The changes between `older` and `newer` when either is a past version: both read in comparable form, so the
// website's formatting against API v2's is no change.
std::vector<core::FieldChange> past_changes(store::Database& db, const core::NctId& id, const VersionName& older,
                                            const VersionName& newer, int last) {
  const auto document = [&](const VersionName& v) -> std::string {
    if (v.past) return past_document(db, id, v.number);
    if (last == 0) versions_or_fail(store::Queries(db), id);  // throws: no version seen live yet
    if (v.number > last)
      throw BadParameter(fmt::format("{} has no version {}; it has {}", id.str(), v.number, version_range(last)));
    return *store::Versions(db).document(id, v.number);
  };
  const auto before_form = diff::comparable_form(document(older));
  if (!before_form) throw std::runtime_error(before_form.error().message);
  const auto after_form = diff::comparable_form(document(newer));
  if (!after_form) throw std::runtime_error(after_form.error().message);
  diff::StudyDiffer differ;
  auto computed = differ.diff(*before_form, *after_form);
  if (!computed) throw std::runtime_error(computed.error().message);
  return std::move(*computed);
}

}  // namespace

// A version's name as the command line takes it: "3", or "r0" for the registry's past version 0.
std::string version_label(const VersionName& v) {
  return v.past ? fmt::format("r{}", v.number) : std::to_string(v.number);
}

// "only version 1" or "versions 1 to 5": the versions a study has.
std::string version_range(int last) { return last == 1 ? "only version 1" : fmt::format("versions 1 to {}", last); }

std::string past_document(store::Database& db, const core::NctId& id, int number) {
  store::RegistryHistory history(db);
  auto document = history.document(id, number);
  if (!document) missing_past_version(id, number, history.versions(id));
  return std::move(*document);
}

VersionDiff version_diff(store::Database& db, const core::NctId& id, std::optional<VersionName> from,
                         std::optional<VersionName> to) {
  const store::Queries queries(db);
  const bool any_past = (from && from->past) || (to && to->past);
  const auto versions = any_past ? queries.versions(id) : versions_or_fail(queries, id);
  const int last = versions.empty() ? 0 : versions.back().version;
  VersionDiff found;
  auto& [older, newer, changes] = found;
  if (any_past) {
    newer = to.value_or(VersionName{false, last});
    if (!from && newer.number == 0)
      throw BadParameter(fmt::format("r0 is the registry's first version of {}; name a later one with --to", id.str()));
    older = from.value_or(VersionName{newer.past, newer.number - 1});
    if (!before(older, newer))
      throw BadParameter(
          fmt::format("--from {} must come before --to {}: the registry's past versions (r0, r1, ...) "
                      "come before the versions seen live (1, 2, ...)",
                      version_label(older), version_label(newer)));
    changes = past_changes(db, id, older, newer, last);
    return found;
  }
  newer = VersionName{false, to ? to->number : last};
  older = VersionName{false, from ? from->number : newer.number - 1};
  if (last == 1)
    throw BadParameter(
        fmt::format("{} has only version 1 so far; trialwatchd stores another when the record changes", id.str()));
  if (older.number < 1 || newer.number > last || older.number >= newer.number)
    throw BadParameter(fmt::format("{} has {}; --from must be lower than --to", id.str(), version_range(last)));
  if (newer.number == older.number + 1) {
    changes = queries.changes(id, newer.number);  // exactly what was recorded when the version was stored
    return found;
  }
  const store::Versions stored(db);
  const auto before_document = stored.document(id, older.number);
  const auto after_document = stored.document(id, newer.number);
  diff::StudyDiffer differ;
  auto computed = differ.diff(*before_document, *after_document);
  if (!computed) throw std::runtime_error(computed.error().message);
  changes = std::move(*computed);
  return found;
}

std::string version_diff_json(const core::NctId& id, const VersionDiff& found) {
  std::string out = fmt::format(R"({{"nct_id":{},"from":{},"to":{},"changes":[)", core::json_quote(id.str()),
                                json_label(found.older), json_label(found.newer));
  for (std::size_t i = 0; i < found.changes.size(); ++i) {
    const auto& c = found.changes[i];
    out += fmt::format(R"({}{{"op":{},"path":{},"old":{},"new":{}}})", i ? "," : "",
                       core::json_quote(core::field_op_name(c.op)), core::json_quote(c.path),
                       c.old_json.empty() ? "null" : c.old_json, c.new_json.empty() ? "null" : c.new_json);
  }
  return out + "]}\n";
}

std::vector<store::VersionInfo> versions_or_fail(const store::Queries& queries, const core::NctId& id) {
  auto versions = queries.versions(id);
  if (versions.empty())
    throw BadParameter(
        fmt::format("no version of {} is stored; track it (trialwatch track {}) and let trialwatchd "
                    "sync",
                    id.str(), id.str()));
  return versions;
}

std::optional<VersionName> parse_version_name(std::string_view text) {
  const bool past = text.starts_with('r');
  if (past) text.remove_prefix(1);
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || number < (past ? 0 : 1))
    return std::nullopt;
  return VersionName{past, number};
}

}  // namespace trialwatch::report
