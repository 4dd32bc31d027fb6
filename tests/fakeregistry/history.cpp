// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/history.hpp"

#include "core/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <utility>

namespace trialwatch::fakeregistry {

namespace {

// Drop markdown's backslash before ASCII punctuation (`\>` → `>`), as the website's text has none.
std::string without_markdown_escapes(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1])) != 0) ++i;
    out.push_back(text[i]);
  }
  return out;
}

// The entity the website writes for `c`, or nullptr when `c` stays as it is.
const char* website_entity(char c) {
  constexpr std::array<std::pair<char, const char*>, 6> k_entities{
      {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#x27;"}, {'/', "&#x2F;"}}};
  for (const auto& [plain, entity] : k_entities)
    if (c == plain) return entity;
  return nullptr;
}

// Escape `text` as the website does: & < > " ' and /.
std::string html_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    if (const char* entity = website_entity(c))
      out += entity;
    else
      out.push_back(c);
  }
  return out;
}

std::string website_text(const std::string& text) { return html_escaped(without_markdown_escapes(text)); }

void escape_strings(Json& value) {
  if (value.is_string() && !value.is_raw()) {
    value = Json::string(website_text(value.text()));
  } else if (value.is_array()) {
    for (Json& item : value.items()) escape_strings(item);
  } else if (value.is_object()) {
    for (auto& [key, member] : value.members()) escape_strings(member);
  }
}

// --- markdown (the subset registry text uses) to HTML ---

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

std::size_t indent_of(const std::string& line) { return std::min(line.find_first_not_of(' '), line.size()); }

struct ListMarker {
  bool ordered = false;
  std::size_t indent = 0;   // column of the marker
  std::size_t content = 0;  // column where the item's text starts
};

// The list marker starting `line` ("1. ", "2) ", "* ", "- ", "+ "), if any.
std::optional<ListMarker> list_marker(const std::string& line) {
  const std::size_t at = indent_of(line);
  if (at >= line.size()) return std::nullopt;
  std::size_t end = at;
  bool ordered = false;
  if (line[at] == '*' || line[at] == '-' || line[at] == '+') {
    end = at + 1;
  } else {
    while (end < line.size() && end - at < 9 && std::isdigit(static_cast<unsigned char>(line[end])) != 0) ++end;
    if (end == at || end >= line.size() || (line[end] != '.' && line[end] != ')')) return std::nullopt;
    ++end;
    ordered = true;
  }
  if (end < line.size() && line[end] != ' ') return std::nullopt;
  std::size_t content = end;
  while (content < line.size() && line[content] == ' ' && content - end < 4) ++content;
  return ListMarker{ordered, at, content == line.size() ? end + 1 : content};
}

std::string trimmed_left(const std::string& line) { return line.substr(indent_of(line)); }

struct Block {
  bool paragraph = false;
  std::string html;
};

std::vector<Block> blocks_of(const std::vector<std::string>& lines);

// Render blocks: paragraphs in <p> unless `bare` allows a lone paragraph as plain text (a tight list item).
std::string render(const std::vector<Block>& blocks, bool bare) {
  if (bare && blocks.size() == 1 && blocks.front().paragraph) return blocks.front().html;
  std::string out;
  for (const auto& block : blocks) out += block.paragraph ? "<p>" + block.html + "</p>" : block.html;
  return out;
}

// Read the list starting at lines[i]; advance `i` past it.
Block list_at(const std::vector<std::string>& lines, std::size_t& i) {
  const ListMarker first = *list_marker(lines[i]);
  Block list{false, first.ordered ? "<ol>" : "<ul>"};
  while (i < lines.size()) {
    const auto marker = list_marker(lines[i]);
    if (!marker || marker->ordered != first.ordered || marker->indent >= first.content) break;
    std::vector<std::string> content{lines[i].size() > marker->content ? lines[i].substr(marker->content) : ""};
    for (++i; i < lines.size(); ++i) {
      if (blank(lines[i])) {
        std::size_t next = i;
        while (next < lines.size() && blank(lines[next])) ++next;
        if (next == lines.size() || indent_of(lines[next]) < marker->content) break;
        content.emplace_back();
      } else if (indent_of(lines[i]) >= marker->content) {
        content.push_back(lines[i].substr(marker->content));
      } else if (!list_marker(lines[i]) && !blank(content.back())) {
        content.push_back(trimmed_left(lines[i]));  // a lazy continuation of the item's paragraph
      } else {
        break;
      }
    }
    list.html += "<li>" + render(blocks_of(content), true) + "</li>";
    std::size_t next = i;
    while (next < lines.size() && blank(lines[next])) ++next;
    const auto following = next < lines.size() ? list_marker(lines[next]) : std::nullopt;
    if (!following || following->ordered != first.ordered || following->indent >= first.content) break;
    i = next;
  }
  list.html += first.ordered ? "</ol>" : "</ul>";
  return list;
}

std::vector<Block> blocks_of(const std::vector<std::string>& lines) {
  std::vector<Block> blocks;
  std::size_t i = 0;
  while (i < lines.size()) {
    if (blank(lines[i])) {
      ++i;
    } else if (list_marker(lines[i])) {
      blocks.push_back(list_at(lines, i));
    } else {
      std::string text;
      for (; i < lines.size() && !blank(lines[i]) && !list_marker(lines[i]); ++i)
        text += (text.empty() ? "" : "\n") + trimmed_left(lines[i]);
      blocks.push_back(Block{true, website_text(text)});
    }
  }
  return blocks;
}

// --- versions ---

constexpr std::array<std::pair<const char*, const char*>, 19> k_module_labels{{
    {"statusModule", "Study Status"},
    {"identificationModule", "Study Identification"},
    {"sponsorCollaboratorsModule", "Sponsor/Collaborators"},
    {"oversightModule", "Oversight"},
    {"descriptionModule", "Study Description"},
    {"conditionsModule", "Conditions"},
    {"designModule", "Study Design"},
    {"armsInterventionsModule", "Arms and Interventions"},
    {"outcomesModule", "Outcome Measures"},
    {"eligibilityModule", "Eligibility"},
    {"contactsLocationsModule", "Contacts/Locations"},
    {"referencesModule", "References"},
    {"ipdSharingStatementModule", "IPDSharing"},
    {"participantFlowModule", "Participant Flow"},
    {"baselineCharacteristicsModule", "Baseline Characteristics"},
    {"outcomeMeasuresModule", "Outcome Measures"},
    {"adverseEventsModule", "Adverse Events"},
    {"moreInfoModule", "More Information"},
    {"largeDocumentModule", "Documents"},
}};

std::string text_at(const Json& study, std::string_view path) {
  const Json* value = study.at_path(path);
  return value != nullptr && value->is_string() ? value->text() : std::string();
}

std::string dates_key(const Json& study) {
  return text_at(study, "protocolSection.statusModule.lastUpdateSubmitDate") + "|" +
         text_at(study, "protocolSection.statusModule.lastUpdatePostDateStruct.date");
}

// The website's labels of the modules that differ between `before` and `after`, "Study Status" first.
std::vector<std::string> changed_modules(const Json& before, const Json& after) {
  std::vector<std::string> labels;
  for (const char* section : {"protocolSection", "resultsSection", "documentSection"}) {
    const Json* old_section = before.find(section);
    const Json* new_section = after.find(section);
    if (new_section == nullptr || !new_section->is_object()) continue;
    for (const auto& [key, module] : new_section->members()) {
      const Json* old_module = old_section != nullptr ? old_section->find(key) : nullptr;
      if (old_module != nullptr && *old_module == module) continue;
      std::string label = key;
      for (const auto& [name, text] : k_module_labels)
        if (key == name) label = text;
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    }
  }
  std::stable_partition(labels.begin(), labels.end(), [](const std::string& label) { return label == "Study Status"; });
  return labels;
}

// A version of `study` (API v2 form) after `before`, if any.
StudyVersion version_of(const Json& study, const StudyVersion* before) {
  StudyVersion version;
  version.date = text_at(study, "protocolSection.statusModule.lastUpdateSubmitDate");
  if (version.date.empty())  // a constructed record without one: its posting date
    version.date = text_at(study, "protocolSection.statusModule.lastUpdatePostDateStruct.date");
  version.status = text_at(study, "protocolSection.statusModule.overallStatus");
  version.dates_key = dates_key(study);
  version.study = std::make_shared<const Json>(study);
  if (before != nullptr)
    version.module_labels = before->recorded.empty() ? changed_modules(*before->study, study)
                                                     : changed_modules(*before->study, website_format(study, false));
  return version;
}

// The recorded website version in `text` (its study is already in the website's form).
StudyVersion recorded_version(const std::string& text, const StudyVersion* before) {
  const Json body = Json::parse(text);
  const Json* study = body.find("study");
  if (study == nullptr) throw JsonError("a recorded history version has no 'study'");
  StudyVersion version = version_of(*study, nullptr);
  if (before != nullptr) version.module_labels = changed_modules(*before->study, *study);
  version.recorded = text;
  return version;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JsonError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string markdown_to_html(const std::string& markdown) {
  std::vector<std::string> lines;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return render(blocks_of(lines), false);
}

Json website_format(Json study, bool keep_derived) {
  constexpr std::string_view k_criteria = "protocolSection.eligibilityModule.eligibilityCriteria";
  if (!keep_derived) study.erase("derivedSection");
  std::optional<std::string> criteria;
  if (const Json* markdown = study.at_path(k_criteria);
      markdown != nullptr && markdown->is_string() && !markdown->is_raw())
    criteria = markdown->text();
  escape_strings(study);
  if (criteria) *study.at_path(k_criteria) = Json::string(markdown_to_html(*criteria));
  return study;
}

void StudyHistories::record(const RegistryData& data) {
  for (const auto& [id, study] : data.studies()) {
    auto& versions = m_versions[id];
    if (versions.empty())
      if (const auto recorded = data.recorded_history.find(id); recorded != data.recorded_history.end())
        for (const auto& text : recorded->second)
          versions.push_back(recorded_version(text, versions.empty() ? nullptr : &versions.back()));
    if (!versions.empty() && versions.back().dates_key == dates_key(study)) continue;
    versions.push_back(version_of(study, versions.empty() ? nullptr : &versions.back()));
  }
}

const std::vector<StudyVersion>& StudyHistories::of(const std::string& nct_id) const {
  static const std::vector<StudyVersion> none;
  const auto it = m_versions.find(nct_id);
  return it == m_versions.end() ? none : it->second;
}

std::string website_study_body(const Json& current, const std::vector<StudyVersion>& versions, bool with_history) {
  std::string body = "{\"study\":" + website_format(current, true).dump() + ",\"topics\":{}";
  if (with_history) {
    body += ",\"history\":{\"changes\":[";
    for (std::size_t n = 0; n < versions.size(); ++n) {
      const StudyVersion& version = versions[n];
      body += fmt::format("{}{{\"version\":{},\"date\":", n == 0 ? "" : ",", n);
      core::append_json_quoted(body, version.date);
      body += ",\"status\":";
      core::append_json_quoted(body, version.status);
      body += ",\"moduleLabels\":[";
      for (std::size_t i = 0; i < version.module_labels.size(); ++i) {
        if (i > 0) body += ",";
        core::append_json_quoted(body, version.module_labels[i]);
      }
      body += "]}";
    }
    body += "]}";
  }
  return body + "}";
}

std::string website_version_body(const StudyVersion& version, std::size_t number) {
  if (!version.recorded.empty()) return version.recorded;
  return fmt::format("{{\"studyVersion\":{},\"study\":{}}}", number, website_format(*version.study, false).dump());
}

void load_recorded_history(const std::filesystem::path& dir, RegistryData& data) {
  static const std::regex name("^(NCT[0-9]{8})\\.history-v([0-9]+)\\.json$");
  std::map<std::string, std::map<long, std::string>> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::smatch match;
    const std::string file = entry.path().filename().string();
    if (!entry.is_regular_file() || !std::regex_match(file, match, name)) continue;
    const std::string text = read_text(entry.path());
    const Json body = Json::parse(text);
    const Json* number = body.find("studyVersion");
    if (number == nullptr || number->text() != match[2].str() ||
        text_at(body, "study.protocolSection.identificationModule.nctId") != match[1].str())
      throw JsonError(entry.path().string() + ": not the website's version " + match[2].str() + " of " +
                      match[1].str());
    found[match[1].str()][std::stol(match[2].str())] = text;
  }
  for (auto& [id, versions] : found) {
    std::vector<std::string> ordered;
    for (auto& [number, text] : versions) {
      if (number != static_cast<long>(ordered.size()))
        throw JsonError(
            fmt::format("{}: the recorded history of {} lacks version {}", dir.string(), id, ordered.size()));
      ordered.push_back(std::move(text));
    }
    data.recorded_history[id] = std::move(ordered);
  }
}

}  // namespace trialwatch::fakeregistry
