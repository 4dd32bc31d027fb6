// SPDX-License-Identifier: MIT
// related: the related-trial suggestions that discovery recorded, with their reasons.
#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "core/json_text.hpp"
#include "core/safe_text.hpp"
#include "core/strings.hpp"
#include "store/queries.hpp"

#include "report/studies.hpp"
#include <fmt/format.h>

#include <cstdio>

namespace trialwatch::cli {

int related(const Context& context, const std::string& id, Format format) {
  std::optional<core::NctId> subject;
  if (!id.empty()) subject = parse_id(id);
  auto db = context.open_for_reading();
  const auto suggestions = store::Queries(db).related(subject);
  if (format != Format::human) {
    write_out(report::related_json(suggestions));
    return 0;
  }
  if (suggestions.empty()) {
    std::puts(subject ? "No related trials were found for this study yet; the daemon looks when a study is first "
                        "tracked and again every full_reconcile period."
                      : "No related trials were found yet; the daemon looks for them when a study is first tracked "
                        "and again every full_reconcile period.");
    return 0;
  }
  std::string last_subject;
  bool any_untracked = false;
  std::vector<std::vector<std::string>> rows;
  auto flush = [&] {
    if (rows.empty()) return;
    write_out(fmt::format("Related to {}:\n", core::for_terminal(last_subject)));
    write_out(table({"STUDY", "SCORE", "TRACKED", "TITLE", "WHY"}, rows, context.width(), 4));
    rows.clear();
  };
  for (const auto& s : suggestions) {
    if (s.subject != last_subject) {
      flush();
      if (!last_subject.empty()) std::puts("");
      last_subject = s.subject;
    }
    any_untracked = any_untracked || !s.tracked;
    rows.push_back({s.nct_id, std::to_string(s.score), s.tracked ? "yes" : "no",
                    context.width() > 0 ? truncate_to(s.title, 50) : s.title, core::join(s.reasons, "; ")});
  }
  flush();
  if (any_untracked) {
    for (const auto& s : suggestions)
      if (!s.tracked) {
        write_out(fmt::format("\nFollow one with: trialwatch track {}\n", core::for_terminal(s.nct_id)));
        break;
      }
  }
  return 0;
}

}  // namespace trialwatch::cli
