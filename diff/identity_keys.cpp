// SPDX-License-Identifier: MIT
#include "diff/identity_keys.hpp"

#include <algorithm>
#include <array>

namespace trialwatch::diff {

namespace {

struct Entry {
  std::string_view path;
  ArrayRule::Kind kind;
  std::array<std::string_view, 5> keys;
};

using K = ArrayRule::Kind;

// The identity-key table (docs/registry-api.md), sorted by path for binary search.
constexpr auto k_table = [] {
  std::array<Entry, 62> table{{
      {"annotationSection.annotationModule.unpostedAnnotation.unpostedEvents", K::keyed, {"type", "date"}},
      {"derivedSection.conditionBrowseModule.ancestors", K::keyed, {"id"}},
      {"derivedSection.conditionBrowseModule.browseBranches", K::keyed, {"abbrev"}},
      {"derivedSection.conditionBrowseModule.browseLeaves", K::keyed, {"id"}},
      {"derivedSection.conditionBrowseModule.meshes", K::keyed, {"id"}},
      {"derivedSection.interventionBrowseModule.ancestors", K::keyed, {"id"}},
      {"derivedSection.interventionBrowseModule.browseBranches", K::keyed, {"abbrev"}},
      {"derivedSection.interventionBrowseModule.browseLeaves", K::keyed, {"id"}},
      {"derivedSection.interventionBrowseModule.meshes", K::keyed, {"id"}},
      {"derivedSection.miscInfoModule.removedCountries", K::set, {}},
      {"documentSection.largeDocumentModule.largeDocs", K::keyed, {"filename"}},
      {"protocolSection.armsInterventionsModule.armGroups", K::keyed, {"label"}},
      {"protocolSection.armsInterventionsModule.armGroups.interventionNames", K::set, {}},
      {"protocolSection.armsInterventionsModule.interventions", K::keyed, {"type", "name"}},
      {"protocolSection.armsInterventionsModule.interventions.armGroupLabels", K::set, {}},
      {"protocolSection.armsInterventionsModule.interventions.otherNames", K::set, {}},
      {"protocolSection.conditionsModule.conditions", K::set, {}},
      {"protocolSection.conditionsModule.keywords", K::set, {}},
      {"protocolSection.contactsLocationsModule.centralContacts", K::keyed, {"name", "role"}},
      {"protocolSection.contactsLocationsModule.locations", K::keyed, {"facility", "city", "state", "country", "zip"}},
      {"protocolSection.contactsLocationsModule.locations.contacts", K::keyed, {"name", "role"}},
      {"protocolSection.contactsLocationsModule.overallOfficials", K::keyed, {"name", "role"}},
      {"protocolSection.designModule.designInfo.maskingInfo.whoMasked", K::set, {}},
      {"protocolSection.designModule.phases", K::set, {}},
      {"protocolSection.eligibilityModule.stdAges", K::set, {}},
      {"protocolSection.identificationModule.nctIdAliases", K::set, {}},
      {"protocolSection.identificationModule.secondaryIdInfos", K::keyed, {"id", "type"}},
      {"protocolSection.ipdSharingStatementModule.infoTypes", K::set, {}},
      {"protocolSection.outcomesModule.otherOutcomes", K::keyed, {"measure", "timeFrame"}},
      {"protocolSection.outcomesModule.primaryOutcomes", K::keyed, {"measure", "timeFrame"}},
      {"protocolSection.outcomesModule.secondaryOutcomes", K::keyed, {"measure", "timeFrame"}},
      {"protocolSection.referencesModule.availIpds", K::keyed, {"type", "url|id"}},
      {"protocolSection.referencesModule.references", K::keyed, {"pmid|citation"}},
      {"protocolSection.referencesModule.seeAlsoLinks", K::keyed, {"url"}},
      {"protocolSection.sponsorCollaboratorsModule.collaborators", K::keyed, {"name"}},
      {"resultsSection.adverseEventsModule.eventGroups", K::keyed, {"id"}},
      {"resultsSection.adverseEventsModule.otherEvents", K::keyed, {"term", "organSystem"}},
      {"resultsSection.adverseEventsModule.otherEvents.stats", K::keyed, {"groupId"}},
      {"resultsSection.adverseEventsModule.seriousEvents", K::keyed, {"term", "organSystem"}},
      {"resultsSection.adverseEventsModule.seriousEvents.stats", K::keyed, {"groupId"}},
      {"resultsSection.baselineCharacteristicsModule.denoms", K::keyed, {"units"}},
      {"resultsSection.baselineCharacteristicsModule.denoms.counts", K::keyed, {"groupId"}},
      {"resultsSection.baselineCharacteristicsModule.groups", K::keyed, {"id"}},
      {"resultsSection.baselineCharacteristicsModule.measures", K::keyed, {"title"}},
      {"resultsSection.baselineCharacteristicsModule.measures.classes", K::keyed, {"title"}},
      {"resultsSection.baselineCharacteristicsModule.measures.classes.categories", K::keyed, {"title"}},
      {"resultsSection.baselineCharacteristicsModule.measures.classes.categories.measurements", K::keyed, {"groupId"}},
      {"resultsSection.baselineCharacteristicsModule.measures.classes.denoms", K::keyed, {"units"}},
      {"resultsSection.baselineCharacteristicsModule.measures.classes.denoms.counts", K::keyed, {"groupId"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures", K::keyed, {"type", "title"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures.classes", K::keyed, {"title"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures.classes.categories", K::keyed, {"title"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures.classes.categories.measurements", K::keyed, {"groupId"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures.denoms", K::keyed, {"units"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures.denoms.counts", K::keyed, {"groupId"}},
      {"resultsSection.outcomeMeasuresModule.outcomeMeasures.groups", K::keyed, {"id"}},
      {"resultsSection.participantFlowModule.groups", K::keyed, {"id"}},
      {"resultsSection.participantFlowModule.periods", K::keyed, {"title"}},
      {"resultsSection.participantFlowModule.periods.dropWithdraws", K::keyed, {"type"}},
      {"resultsSection.participantFlowModule.periods.dropWithdraws.reasons", K::keyed, {"groupId"}},
      {"resultsSection.participantFlowModule.periods.milestones", K::keyed, {"type"}},
      {"resultsSection.participantFlowModule.periods.milestones.achievements", K::keyed, {"groupId"}},
  }};
  return table;
}();

static_assert(std::is_sorted(k_table.begin(), k_table.end(),
                             [](const Entry& a, const Entry& b) { return a.path < b.path; }),
              "the identity-key table must stay sorted by path");

}  // namespace

ArrayRule array_rule(std::string_view pattern, bool scalar_elements) {
  const auto it = std::lower_bound(k_table.begin(), k_table.end(), pattern,
                                   [](const Entry& entry, std::string_view path) { return entry.path < path; });
  if (it != k_table.end() && it->path == pattern) {
    ArrayRule rule{it->kind, {}};
    for (const auto key : it->keys)
      if (!key.empty()) rule.key_fields.push_back(key);
    return rule;
  }
  return ArrayRule{scalar_elements ? ArrayRule::Kind::set : ArrayRule::Kind::ordered, {}};
}

std::vector<std::string_view> known_array_paths() {
  std::vector<std::string_view> paths;
  for (const auto& entry : k_table) paths.push_back(entry.path);
  return paths;
}

}  // namespace trialwatch::diff
