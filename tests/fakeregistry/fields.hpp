// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/json.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::fakeregistry {

// The registry's field tree (GET /studies/metadata): which piece name ("LastUpdatePostDate") means which JSON
// path ("protocolSection.statusModule.lastUpdatePostDateStruct.date"). Loaded from the recorded metadata file.
class FieldCatalogue {
 public:
  // Build the catalogue from the metadata document at `metadata_json`; throw JsonError if it is unreadable.
  static FieldCatalogue load(const std::filesystem::path& metadata_json);
  // Build the catalogue from an already parsed metadata `tree`.
  static FieldCatalogue from_tree(const Json& tree);

  // Resolve a `fields=` item (piece name, alternative piece name, or dotted JSON path) to a JSON path.
  std::optional<std::string> resolve(std::string_view name) const;

  // Return how many pieces the catalogue knows.
  std::size_t size() const noexcept { return m_paths.size(); }

 private:
  std::map<std::string, std::string> m_path_by_piece;  // upper-cased piece name -> path
  std::set<std::string, std::less<>> m_paths;
};

// Return `document` reduced to the dotted `paths`, keeping document order and projecting arrays element-wise,
// as the registry does for `fields=`.
Json project(const Json& document, const std::vector<std::string>& paths);

// Append the text of every scalar at dotted `path` below `node` (descending through arrays) to `out`.
void collect_leaves(const Json& node, std::string_view path, std::vector<std::string>& out);

// Append the text of every string scalar anywhere below `node` to `out`.
void collect_all_strings(const Json& node, std::vector<std::string>& out);

}  // namespace trialwatch::fakeregistry
