// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/json.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

// The registry website's own version history (/api/int/studies/{NCT}?history=true and …/history/{n}), in the
// website's formatting, built from what a scenario's days publish (docs/fake-registry.md).
namespace trialwatch::fakeregistry {

// Return `study` (an API v2 document) as the website serves it: markdown backslash escapes removed, every text
// value HTML-escaped (`&`, `<`, `>`, `"`, `'`, `/`), eligibility criteria rendered as HTML, and derivedSection
// dropped unless `keep_derived` (past versions have none; the current study of the list keeps it).
Json website_format(Json study, bool keep_derived);

// Return `markdown` (a text value of API v2) rendered as the website's HTML: paragraphs and nested ordered and
// unordered lists, text HTML-escaped.
std::string markdown_to_html(const std::string& markdown);

// One version of a study in the website's history.
struct StudyVersion {
  std::string date;                        // its lastUpdateSubmitDate: the website's "Submitted Date"
  std::string status;                      // its overallStatus
  std::vector<std::string> module_labels;  // the website's names of the modules changed since the version before
  std::shared_ptr<const Json> study;       // the document of the version (API v2 form unless `recorded` is set)
  std::string recorded;                    // a recorded /history/{n} body, served byte for byte
  std::string dates_key;                   // submit and post dates: a new pair is a new version
};

// Every study's website history: its recorded versions first, then a version each time its submission dates move.
class StudyHistories {
 public:
  // Look at the registry's state: every study seen for the first time, or whose lastUpdateSubmitDate or
  // lastUpdatePostDate moved since its last version, gets a version.
  void record(const RegistryData& data);
  // Return the versions of `nct_id`, version 0 first (none when the study was never seen).
  const std::vector<StudyVersion>& of(const std::string& nct_id) const;

 private:
  std::map<std::string, std::vector<StudyVersion>> m_versions;
};

// The body of GET /api/int/studies/{NCT}: `{"study":…,"topics":{}}` plus, with `with_history`,
// `"history":{"changes":[{"version","date","status","moduleLabels"}…]}` for `versions` (`[]` when empty).
std::string website_study_body(const Json& current, const std::vector<StudyVersion>& versions, bool with_history);

// The body of GET /api/int/studies/{NCT}/history/{n}: `{"studyVersion":n,"study":…}`, or the recorded bytes.
std::string website_version_body(const StudyVersion& version, std::size_t number);

// Add the recorded website versions in `dir` (files NCT….history-vN.json holding {"studyVersion","study"}) to
// `data.recorded_history`; throw JsonError for a file of another shape.
void load_recorded_history(const std::filesystem::path& dir, RegistryData& data);

}  // namespace trialwatch::fakeregistry
