// SPDX-License-Identifier: MIT
#include "report/studies.hpp"

#include "core/json_text.hpp"
#include "store/event_json.hpp"

#include <fmt/format.h>

namespace trialwatch::report {

namespace {

std::string study_json(const store::ListedStudy& s, const diff::ResultsDue* due) {
  return fmt::format(
      R"({{"nct_id":{},"title":{},"status":{},"last_update_posted":{},"source":{},"note":{},"tracked_since":{},)"
      R"("state":{},"versions":{},"last_event":{},"results":{}}})",
      core::json_quote(s.entry.id.str()), core::json_quote(s.summary.title), core::json_quote(s.summary.overall_status),
      core::json_quote(s.summary.last_update_post_date), core::json_quote(s.entry.source),
      core::json_quote(s.entry.note), core::json_quote(s.entry.added_at),
      core::json_quote(s.state ? store::study_state_name(*s.state) : ""), s.versions,
      s.last_event ? store::event_json(*s.last_event) : "null", results_json(due));
}

std::string suggestion_json(const store::RelatedSuggestion& s) {
  return fmt::format(R"({{"subject":{},"nct_id":{},"title":{},"score":{},"reasons":{},"found_at":{},"tracked":{}}})",
                     core::json_quote(s.subject), core::json_quote(s.nct_id), core::json_quote(s.title), s.score,
                     core::json_string_array(s.reasons), core::json_quote(s.found_at), s.tracked ? "true" : "false");
}

}  // namespace

std::string studies_json(const std::vector<store::ListedStudy>& studies, const std::vector<StudyResults>& results) {
  std::string out = "[";
  for (std::size_t i = 0; i < studies.size(); ++i)
    out.append(i ? "," : "").append(study_json(studies[i], results_of(results, studies[i].entry.id)));
  return out + "]\n";
}

std::string related_json(const std::vector<store::RelatedSuggestion>& suggestions) {
  std::string out = "[";
  for (std::size_t i = 0; i < suggestions.size(); ++i) out.append(i ? "," : "").append(suggestion_json(suggestions[i]));
  return out + "]\n";
}

}  // namespace trialwatch::report
