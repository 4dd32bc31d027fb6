// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/api.hpp"

#include "core/json_text.hpp"
#include "tests/fakeregistry/query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>

namespace trialwatch::fakeregistry {

namespace {

constexpr const char* k_api = "/api/v2";
constexpr int k_default_page_size = 10;
constexpr int k_max_page_size = 1000;

// The nginx page the real site serves for unknown paths (tests/data/ctgov/errors/classic-study-fields.body.html).
constexpr const char* k_nginx_404 =
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
    "<hr><center>nginx/1.26.2</center>\r\n</body>\r\n</html>\r\n";

ApiResponse text(int status, std::string body) {
  return ApiResponse{status, "text/plain; charset=UTF-8", std::move(body), {}};
}

// The API's own NCT ID pattern: ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$, answered in canonical form.
std::optional<std::string> canonical_id(const std::string& item) {
  static const std::regex pattern("^[Nn][Cc][Tt]0*([1-9][0-9]{0,7})$");
  std::smatch match;
  if (!std::regex_match(item, match, pattern)) return std::nullopt;
  return fmt::format("NCT{:0>8}", match[1].str());
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> items;
  std::string current;
  for (const char c : value) {
    if (c == ',' || c == '|') {
      items.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  items.push_back(current);
  for (auto& item : items) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
  }
  return items;
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

const std::string* param(const QueryParams& params, const std::string& name) {
  for (const auto& [key, value] : params)
    if (key == name) return &value;
  return nullptr;
}

// The parameters a page token is bound to: all but countTotal, pageSize and pageToken (the spec's rule).
std::uint64_t query_signature(const QueryParams& params) {
  QueryParams bound;
  for (const auto& p : params)
    if (p.first != "countTotal" && p.first != "pageSize" && p.first != "pageToken") bound.push_back(p);
  std::sort(bound.begin(), bound.end());
  std::string canonical;
  for (const auto& [key, value] : bound) canonical += key + "=" + value + "&";
  return fnv1a(canonical);
}

std::string make_page_token(std::size_t offset, std::uint64_t signature) {
  return fmt::format("FR{:x}z{:016x}", offset, signature);
}

std::optional<std::size_t> read_page_token(const std::string& token, std::uint64_t signature) {
  static const std::regex pattern("^FR([0-9a-f]+)z([0-9a-f]{16})$");
  std::smatch match;
  if (!std::regex_match(token, match, pattern)) return std::nullopt;
  if (std::stoull(match[2].str(), nullptr, 16) != signature) return std::nullopt;
  return static_cast<std::size_t>(std::stoull(match[1].str(), nullptr, 16));
}

struct FieldSelection {
  std::vector<std::string> paths;  // empty: the whole document
  std::string unknown;             // the first field name that resolved to nothing
};

FieldSelection select_fields(const QueryParams& params, const FieldCatalogue& fields) {
  FieldSelection selection;
  const std::string* value = param(params, "fields");
  if (value == nullptr || value->empty()) return selection;
  for (const auto& item : split_list(*value)) {
    if (item.empty()) continue;
    auto path = fields.resolve(item);
    if (!path) {
      selection.unknown = item;
      return selection;
    }
    selection.paths.push_back(*path);
  }
  return selection;
}

std::string serialise(const Json& study, const FieldSelection& selection) {
  return selection.paths.empty() ? study.dump() : project(study, selection.paths).dump();
}

bool has_id(const Json& study, const std::set<std::string>& ids) {
  const Json* identification = study.at_path("protocolSection.identificationModule");
  if (identification == nullptr) return false;
  if (const Json* id = identification->find("nctId"); id != nullptr && ids.count(id->text()) > 0) return true;
  if (const Json* aliases = identification->find("nctIdAliases"); aliases != nullptr && aliases->is_array())
    for (const Json& alias : aliases->items())
      if (ids.count(alias.text()) > 0) return true;
  return false;
}

struct SearchParam {
  const char* name;
  SearchArea area;
};
constexpr SearchParam k_search_params[] = {{"query.cond", SearchArea::condition},
                                           {"query.term", SearchArea::basic},
                                           {"query.intr", SearchArea::intervention},
                                           {"query.titles", SearchArea::title},
                                           {"query.spons", SearchArea::sponsor},
                                           {"query.lead", SearchArea::sponsor},
                                           {"query.id", SearchArea::id},
                                           {"query.locn", SearchArea::location},
                                           {"query.outc", SearchArea::outcome},
                                           {"filter.advanced", SearchArea::basic}};

const std::set<std::string>& known_list_params() {
  static const std::set<std::string> names = [] {
    std::set<std::string> all{"filter.ids", "filter.overallStatus", "fields", "pageSize", "pageToken", "countTotal",
                              "format",     "markupFormat",         "sort"};
    for (const auto& p : k_search_params) all.insert(p.name);
    return all;
  }();
  return names;
}

ApiResponse list_studies(const QueryParams& params, const RegistryData& data, const FieldCatalogue& fields) {
  for (const auto& [key, value] : params)
    if (known_list_params().count(key) == 0) return text(400, fmt::format("Unknown parameter `{}`", key));

  std::optional<std::set<std::string>> wanted_ids;
  if (const std::string* ids = param(params, "filter.ids")) {
    wanted_ids.emplace();
    const auto items = split_list(*ids);
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto id = canonical_id(items[i]);
      if (!id) return text(400, fmt::format("Item {} in parameter `filter.ids` has incorrect format", i + 1));
      wanted_ids->insert(*id);
    }
  }
  std::optional<std::set<std::string>> statuses;
  if (const std::string* value = param(params, "filter.overallStatus")) {
    const auto items = split_list(*value);
    statuses.emplace(items.begin(), items.end());
  }

  std::vector<std::pair<Expression, SearchArea>> expressions;
  for (const auto& search : k_search_params) {
    if (const std::string* value = param(params, search.name)) {
      try {
        expressions.emplace_back(Expression::parse(*value), search.area);
      } catch (const QueryError& e) {
        return text(400, fmt::format("Error parsing query in `{}`: {}", search.name, e.what()));
      }
    }
  }

  const FieldSelection selection = select_fields(params, fields);
  if (!selection.unknown.empty())
    return text(500, fmt::format("Unknown field `{}` in parameter `fields`", selection.unknown));

  int page_size = k_default_page_size;
  if (const std::string* value = param(params, "pageSize")) {
    try {
      std::size_t used = 0;
      page_size = std::stoi(*value, &used);
      if (used != value->size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      return text(400, fmt::format("Invalid value in parameter `pageSize`: `{}`", *value));
    }
    if (page_size < 0) return text(400, fmt::format("Invalid value in parameter `pageSize`: `{}`", *value));
    if (page_size == 0) page_size = k_default_page_size;
    page_size = std::min(page_size, k_max_page_size);
  }

  const std::uint64_t signature = query_signature(params);
  std::size_t offset = 0;
  const std::string* token = param(params, "pageToken");
  if (token != nullptr) {
    auto decoded = read_page_token(*token, signature);
    if (!decoded)
      return text(400, "Invalid value in parameter `pageToken`: later pages must repeat the first page's parameters");
    offset = *decoded;
  }

  std::vector<const Json*> matches;
  try {
    for (const auto& [id, study] : data.studies()) {
      if (wanted_ids && !has_id(study, *wanted_ids)) continue;
      if (statuses) {
        const Json* status = study.at_path("protocolSection.statusModule.overallStatus");
        if (status == nullptr || statuses->count(status->text()) == 0) continue;
      }
      bool all = true;
      for (const auto& [expression, area] : expressions)
        if (!expression.matches(study, area, fields)) {
          all = false;
          break;
        }
      if (all) matches.push_back(&study);
    }
  } catch (const QueryError& e) {
    return text(400, e.what());
  }

  std::string body = "{";
  const std::string* count_total = param(params, "countTotal");
  if (count_total != nullptr && *count_total == "true" && token == nullptr)
    body += fmt::format("\"totalCount\":{},", matches.size());
  body += "\"studies\":[\n";
  const std::size_t end = std::min(matches.size(), offset + static_cast<std::size_t>(page_size));
  for (std::size_t i = std::min(offset, end); i < end; ++i) {
    if (i > std::min(offset, end)) body += ",\n";
    body += serialise(*matches[i], selection);
  }
  body += "\n]";
  // Like the real API, a full page carries a token even when nothing follows; that next page is empty.
  const bool full_page = end - std::min(offset, end) == static_cast<std::size_t>(page_size);
  if (end < matches.size() || full_page)
    body += fmt::format(",\"nextPageToken\":\"{}\"", make_page_token(end, signature));
  body += "}";
  return ApiResponse{200, "application/json", std::move(body), {}};
}

ApiResponse single_study(const std::string& raw_id, const QueryParams& params, const RegistryData& data,
                         const FieldCatalogue& fields) {
  const auto id = canonical_id(raw_id);
  if (!id) return text(400, "Parameter `nctId` has incorrect format");
  if (const Json* study = data.find(*id)) {
    const FieldSelection selection = select_fields(params, fields);
    if (!selection.unknown.empty())
      return text(500, fmt::format("Unknown field `{}` in parameter `fields`", selection.unknown));
    return ApiResponse{200, "application/json", serialise(*study, selection), {}};
  }
  if (auto canonical = data.canonical_of(*id)) {
    ApiResponse moved = text(301, "");
    moved.headers.emplace_back("Location", fmt::format("{}/studies/{}", k_api, *canonical));
    return moved;
  }
  return text(404, fmt::format("NCT number {} not found", *id));
}

// GET /api/int/studies/{id}[?history=true] and /api/int/studies/{id}/history/{n}; `rest` follows "/studies/".
ApiResponse website_study(const std::string& rest, const QueryParams& params, const RegistryData& data,
                          const StudyHistories& histories) {
  static const std::regex route("^([^/]+)(?:/history/([0-9]{1,9}))?$");
  std::smatch match;
  if (!std::regex_match(rest, match, route)) return ApiResponse{404, "text/html", k_nginx_404, {}};
  const auto id = canonical_id(match[1].str());
  if (!id) return text(400, "Parameter `nctId` has incorrect format");
  const Json* study = data.find(*id);
  if (study == nullptr) return text(404, fmt::format("NCT number {} not found", *id));
  static const std::vector<StudyVersion> k_none;
  const auto& versions = data.without_history.count(*id) > 0 ? k_none : histories.of(*id);
  if (!match[2].matched) {
    const std::string* history = param(params, "history");
    return ApiResponse{
        200, "application/json", website_study_body(*study, versions, history != nullptr && *history == "true"), {}};
  }
  const auto number = std::stoul(match[2].str());
  if (number >= versions.size()) return text(404, fmt::format("Version {} of {} not found", number, *id));
  return ApiResponse{200, "application/json", website_version_body(versions[number], number), {}};
}

}  // namespace

ApiResponse answer(const std::string& path, const QueryParams& params, const RegistryData& data,
                   const FieldCatalogue& fields, const std::string& metadata_text, const StudyHistories& histories) {
  const std::string website = "/api/int/studies/";
  if (path.rfind(website, 0) == 0) return website_study(path.substr(website.size()), params, data, histories);
  const std::string api(k_api);
  if (path.rfind(api, 0) != 0) return ApiResponse{404, "text/html", k_nginx_404, {}};
  const std::string rest = path.substr(api.size());
  if (rest == "/version") {
    std::string body = "{\"apiVersion\":\"2.0.5\",\"dataTimestamp\":";
    core::append_json_quoted(body, data.data_timestamp);
    body += "}";
    return ApiResponse{200, "application/json", std::move(body), {}};
  }
  if (rest == "/studies") return list_studies(params, data, fields);
  if (rest == "/studies/metadata" && !metadata_text.empty())
    return ApiResponse{200, "application/json", metadata_text, {}};
  const std::string prefix = "/studies/";
  if (rest.rfind(prefix, 0) == 0 && rest.find('/', prefix.size()) == std::string::npos)
    return single_study(rest.substr(prefix.size()), params, data, fields);
  return ApiResponse{404, "text/html", k_nginx_404, {}};
}

}  // namespace trialwatch::fakeregistry
