// SPDX-License-Identifier: MIT
#include "diff/related.hpp"

#include "core/strings.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace trialwatch::diff {

namespace dom = simdjson::dom;

namespace {

// Weights of what two studies share (docs/discovery.md explains the choice).
constexpr int k_condition = 5;
constexpr int k_condition_mesh = 3;
constexpr int k_intervention = 4;
constexpr int k_intervention_term = 2;
constexpr int k_intervention_type = 1;
constexpr int k_phase = 1;
constexpr int k_sponsor = 2;
constexpr int k_secondary_id = 6;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string text_of(dom::element element) {
  std::string_view text;
  return element.get(text) == simdjson::SUCCESS ? std::string(text) : std::string();
}

// Append the strings at `pointer` below `root`, descending through arrays of objects on the way (`key` below
// each element, or the element itself when `key` is empty).
void strings_at(dom::element root, std::string_view pointer, std::string_view key, std::vector<std::string>& out) {
  dom::element node;
  if (root.at_pointer(pointer).get(node) != simdjson::SUCCESS) return;
  dom::array array;
  if (node.get(array) != simdjson::SUCCESS) return;
  for (dom::element item : array) {
    if (key.empty()) {
      if (auto text = text_of(item); !text.empty()) out.push_back(std::move(text));
      continue;
    }
    dom::element member;
    if (item.at_key(key).get(member) != simdjson::SUCCESS) continue;
    dom::array names;
    if (member.get(names) == simdjson::SUCCESS) {
      for (dom::element name : names)
        if (auto text = text_of(name); !text.empty()) out.push_back(std::move(text));
    } else if (auto text = text_of(member); !text.empty()) {
      out.push_back(std::move(text));
    }
  }
}

// The words of `text`: runs of ASCII letters and digits.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      current.push_back(c);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

// A distinctive term is written in capitals, as acronyms and product codes are (CAR, NK, CD19, GC012F): ordinary
// words ("cells", "injection") and dosing abbreviations are not.
bool is_distinctive(const std::string& word) {
  static const std::set<std::string> dosing{"IV", "SC", "IM", "PO", "QD", "BID", "TID", "MG", "ML", "KG", "HCL"};
  if (word.size() < 2 || dosing.count(word) > 0) return false;
  bool letter = false;
  for (const char c : word) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    letter = letter || std::isupper(static_cast<unsigned char>(c));
  }
  return letter;
}

// The concept a condition names, whatever the word order: its lower-case words, sorted.
std::string concept_of(std::string_view text) {
  auto words = words_of(lower(text));
  std::sort(words.begin(), words.end());
  std::string out;
  for (const auto& word : words) out += word + " ";
  return out;
}

void add_unique(std::vector<std::string>& items, std::string item) {
  const auto key = lower(item);
  for (const auto& existing : items)
    if (lower(existing) == key) return;
  items.push_back(std::move(item));
}

// The items of `mine` that `theirs` also holds, compared without regard to case, in `mine`'s order.
std::vector<std::string> shared(const std::vector<std::string>& mine, const std::vector<std::string>& theirs) {
  std::set<std::string> other;
  for (const auto& item : theirs) other.insert(lower(item));
  std::vector<std::string> out;
  for (const auto& item : mine)
    if (other.count(lower(item)) > 0) add_unique(out, item);
  return out;
}

// `value` as an Essie phrase: quoted, with any quotation mark of its own dropped.
std::string phrase(std::string_view value) {
  std::string out = "\"";
  for (const char c : value)
    if (c != '"') out.push_back(c);
  return out + "\"";
}

std::string any_of(const std::vector<std::string>& values) { return core::join(values, " OR ", phrase); }

std::string all_of(const std::vector<std::string>& values) { return core::join(values, " AND ", phrase); }

bool looks_like_nct_id(std::string_view text) {
  return text.size() >= 4 && lower(text.substr(0, 3)) == "nct" &&
         std::all_of(text.begin() + 3, text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

CandidateQuery query(std::initializer_list<std::pair<std::string, std::string>> searches) {
  CandidateQuery params(searches);
  params.emplace_back("fields", k_profile_fields);
  params.emplace_back("sort", "@relevance");
  return params;
}

void score(Relatedness& out, const std::vector<std::string>& items, int weight, std::string_view label) {
  for (const auto& item : items) {
    out.score += weight;
    out.reasons.push_back(std::string(label) + item);
  }
}

}  // namespace

core::Result<StudyProfile> read_profile(std::string_view json) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS || !root.is_object())
    return core::Error{core::Error::Code::unreadable, "a study document is not a JSON object"};
  StudyProfile profile;
  dom::element node;
  if (root.at_pointer("/protocolSection/identificationModule/nctId").get(node) == simdjson::SUCCESS)
    profile.nct_id = text_of(node);
  if (root.at_pointer("/protocolSection/identificationModule/briefTitle").get(node) == simdjson::SUCCESS)
    profile.title = text_of(node);
  if (root.at_pointer("/protocolSection/sponsorCollaboratorsModule/leadSponsor/name").get(node) == simdjson::SUCCESS)
    profile.lead_sponsor = text_of(node);
  strings_at(root, "/protocolSection/conditionsModule/conditions", "", profile.conditions);
  strings_at(root, "/derivedSection/conditionBrowseModule/meshes", "term", profile.condition_meshes);
  strings_at(root, "/protocolSection/armsInterventionsModule/interventions", "name", profile.interventions);
  strings_at(root, "/protocolSection/armsInterventionsModule/interventions", "otherNames", profile.interventions);
  std::vector<std::string> types;
  strings_at(root, "/protocolSection/armsInterventionsModule/interventions", "type", types);
  for (auto& type : types) add_unique(profile.intervention_types, std::move(type));
  strings_at(root, "/protocolSection/designModule/phases", "", profile.phases);
  strings_at(root, "/protocolSection/identificationModule/secondaryIdInfos", "id", profile.secondary_ids);
  for (const auto& name : profile.interventions)
    for (auto& word : words_of(name))
      if (is_distinctive(word)) add_unique(profile.intervention_terms, std::move(word));
  return profile;
}

std::vector<CandidateQuery> candidate_queries(const StudyProfile& subject) {
  std::vector<std::string> conditions = subject.conditions;
  for (const auto& mesh : subject.condition_meshes) add_unique(conditions, mesh);
  std::vector<std::string> secondary;
  for (const auto& id : subject.secondary_ids)
    if (!looks_like_nct_id(id)) secondary.push_back(id);

  std::vector<CandidateQuery> queries;
  if (!conditions.empty() && !subject.intervention_terms.empty())
    queries.push_back(query({{"query.cond", any_of(conditions)}, {"query.intr", any_of(subject.intervention_terms)}}));
  if (!conditions.empty()) queries.push_back(query({{"query.cond", any_of(conditions)}}));
  if (!subject.intervention_terms.empty())
    queries.push_back(query({{"query.intr", all_of(subject.intervention_terms)}}));
  if (!subject.lead_sponsor.empty()) queries.push_back(query({{"query.spons", phrase(subject.lead_sponsor)}}));
  if (!secondary.empty()) queries.push_back(query({{"query.id", any_of(secondary)}}));
  return queries;
}

Relatedness relatedness(const StudyProfile& subject, const StudyProfile& candidate) {
  Relatedness out;
  const auto conditions = shared(subject.conditions, candidate.conditions);
  // A MeSH term is often a shared condition reworded ("Arthritis, Rheumatoid"): count each concept once.
  std::set<std::string> counted;
  for (const auto& condition : conditions) counted.insert(concept_of(condition));
  std::vector<std::string> meshes;
  for (auto& mesh : shared(subject.condition_meshes, candidate.condition_meshes))
    if (counted.insert(concept_of(mesh)).second) meshes.push_back(std::move(mesh));
  const auto interventions = shared(subject.interventions, candidate.interventions);
  std::vector<std::string> candidate_words;
  for (const auto& name : candidate.interventions)
    for (auto& word : words_of(name)) candidate_words.push_back(std::move(word));
  const auto terms = shared(subject.intervention_terms, candidate_words);
  score(out, conditions, k_condition, "shares condition ");
  score(out, meshes, k_condition_mesh, "shares condition MeSH term ");
  score(out, interventions, k_intervention, "shares intervention ");
  score(out, terms, k_intervention_term, "shares intervention term ");
  score(out, shared(subject.intervention_types, candidate.intervention_types), k_intervention_type, "both ");
  score(out, shared(subject.phases, candidate.phases), k_phase, "both ");
  if (!subject.lead_sponsor.empty() && lower(subject.lead_sponsor) == lower(candidate.lead_sponsor))
    score(out, {subject.lead_sponsor}, k_sponsor, "same lead sponsor ");
  score(out, shared(subject.secondary_ids, candidate.secondary_ids), k_secondary_id, "shares secondary ID ");
  return out;
}

}  // namespace trialwatch::diff
