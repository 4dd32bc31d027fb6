// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/fields.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>

namespace trialwatch::fakeregistry {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

void add_nodes(const Json& nodes, const std::string& prefix, std::map<std::string, std::string>& by_piece,
               std::set<std::string, std::less<>>& paths) {
  for (const Json& node : nodes.items()) {
    const Json* name = node.find("name");
    if (name == nullptr) continue;
    const std::string path = prefix.empty() ? name->text() : prefix + "." + name->text();
    paths.insert(path);
    if (const Json* piece = node.find("piece")) by_piece.emplace(upper(piece->text()), path);
    if (const Json* alternatives = node.find("altPieceNames"))
      for (const Json& alternative : alternatives->items()) by_piece.emplace(upper(alternative.text()), path);
    if (const Json* children = node.find("children")) add_nodes(*children, path, by_piece, paths);
  }
}

// A tree of the requested paths; a node with `whole` set keeps everything below it.
struct PathTree {
  bool whole = false;
  std::map<std::string, std::unique_ptr<PathTree>, std::less<>> children;
};

void insert_path(PathTree& tree, std::string_view dotted) {
  PathTree* node = &tree;
  while (!dotted.empty() && !node->whole) {
    const auto dot = dotted.find('.');
    const std::string key(dotted.substr(0, dot));
    auto& child = node->children[key];
    if (!child) child = std::make_unique<PathTree>();
    node = child.get();
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  node->whole = true;
  node->children.clear();
}

std::optional<Json> project_node(const Json& value, const PathTree& tree) {
  if (tree.whole) return value;
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& element : value.items())
      if (auto projected = project_node(element, tree)) out.push_back(std::move(*projected));
    if (out.items().empty()) return std::nullopt;
    return out;
  }
  if (!value.is_object()) return std::nullopt;
  Json out = Json::object();
  for (const auto& [key, child] : value.members()) {
    const auto it = tree.children.find(key);
    if (it == tree.children.end()) continue;
    if (auto projected = project_node(child, *it->second)) out.set(key, std::move(*projected));
  }
  if (out.members().empty()) return std::nullopt;
  return out;
}

}  // namespace

FieldCatalogue FieldCatalogue::from_tree(const Json& tree) {
  FieldCatalogue catalogue;
  add_nodes(tree, "", catalogue.m_path_by_piece, catalogue.m_paths);
  return catalogue;
}

FieldCatalogue FieldCatalogue::load(const std::filesystem::path& metadata_json) {
  std::ifstream in(metadata_json, std::ios::binary);
  if (!in) throw JsonError("cannot read field metadata " + metadata_json.string());
  std::ostringstream text;
  text << in.rdbuf();
  return from_tree(Json::parse(text.str()));
}

std::optional<std::string> FieldCatalogue::resolve(std::string_view name) const {
  if (m_paths.find(name) != m_paths.end()) return std::string(name);
  const auto it = m_path_by_piece.find(upper(name));
  if (it != m_path_by_piece.end()) return it->second;
  return std::nullopt;
}

Json project(const Json& document, const std::vector<std::string>& paths) {
  PathTree tree;
  for (const auto& path : paths) insert_path(tree, path);
  auto projected = project_node(document, tree);
  return projected ? std::move(*projected) : Json::object();
}

void collect_leaves(const Json& node, std::string_view path, std::vector<std::string>& out) {
  if (node.is_array()) {
    for (const Json& element : node.items()) collect_leaves(element, path, out);
    return;
  }
  if (path.empty()) {
    if (node.kind() == Json::Kind::string || node.kind() == Json::Kind::number)
      out.push_back(node.text());
    else if (node.kind() == Json::Kind::boolean)
      out.emplace_back(node.as_bool() ? "true" : "false");
    return;
  }
  const auto dot = path.find('.');
  if (const Json* child = node.find(path.substr(0, dot)))
    collect_leaves(*child, dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1), out);
}

void collect_all_strings(const Json& node, std::vector<std::string>& out) {
  switch (node.kind()) {
    case Json::Kind::string:
      out.push_back(node.text());
      break;
    case Json::Kind::array:
      for (const Json& element : node.items()) collect_all_strings(element, out);
      break;
    case Json::Kind::object:
      for (const auto& member : node.members()) collect_all_strings(member.second, out);
      break;
    default:
      break;
  }
}

}  // namespace trialwatch::fakeregistry
