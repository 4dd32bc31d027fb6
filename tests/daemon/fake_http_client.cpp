// SPDX-License-Identifier: MIT
#include "tests/daemon/fake_http_client.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trialwatch::testing {

namespace {

fetch::HttpResponse json(std::string body) {
  return fetch::HttpResponse{200, "application/json", std::move(body), {}, {}};
}

fetch::HttpResponse text(int status, std::string body) {
  return fetch::HttpResponse{status, "text/plain; charset=UTF-8", std::move(body), {}, {}};
}

// Split `text` at each `separator`.
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(separator, start)) != std::string::npos; start = end + 1)
    parts.push_back(text.substr(start, end - start));
  parts.push_back(text.substr(start));
  return parts;
}

// The query of `url` as name -> value (the registry client leaves IDs, field names and numbers unencoded).
std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> params;
  const auto mark = url.find('?');
  if (mark == std::string::npos) return params;
  for (const auto& pair : split(url.substr(mark + 1), '&')) {
    const auto equals = pair.find('=');
    params[pair.substr(0, equals)] = equals == std::string::npos ? std::string() : pair.substr(equals + 1);
  }
  return params;
}

}  // namespace

void FakeHttpClient::put(const std::string& nct_id, std::string json) {
  m_aliases.erase(nct_id);
  m_studies[nct_id] = std::move(json);
}

void FakeHttpClient::remove(const std::string& nct_id) { m_studies.erase(nct_id); }

void FakeHttpClient::alias(const std::string& alias, const std::string& canonical) {
  m_studies.erase(alias);
  m_aliases[alias] = canonical;
}

void FakeHttpClient::reject(const std::string& nct_id) { m_rejected.insert(nct_id); }

void FakeHttpClient::fail_when(std::function<bool(const std::string&)> when, int status, std::string body) {
  m_failures.push_back(Failure{std::move(when), status, std::move(body)});
}

bool FakeHttpClient::is_full_page(const std::string& url) {
  const auto params = query_of(url);
  return params.count("filter.ids") > 0 && params.count("fields") == 0;
}

bool FakeHttpClient::is_watermark_page(const std::string& url) {
  const auto params = query_of(url);
  return params.count("filter.ids") > 0 && params.count("fields") > 0;
}

std::size_t FakeHttpClient::count(const std::function<bool(const std::string&)>& which) const {
  return static_cast<std::size_t>(std::count_if(m_requests.begin(), m_requests.end(), which));
}

fetch::HttpOutcome FakeHttpClient::get(const std::string& url) {
  m_requests.push_back(url);
  for (const auto& failure : m_failures)
    if (failure.when(url)) return text(failure.status, failure.body);
  const std::string base(k_base_url);
  if (url.rfind(base, 0) != 0) return text(404, "not the registry");
  const auto mark = url.find('?');
  const std::string path = url.substr(base.size(), mark == std::string::npos ? mark : mark - base.size());
  if (path == "/version") return json(fmt::format(R"({{"apiVersion":"2.0.5","dataTimestamp":"{}"}})", data_timestamp));
  if (path == "/studies") return list(query_of(url));
  const std::string prefix = "/studies/";
  if (path.rfind(prefix, 0) == 0) return single(path.substr(prefix.size()));
  return text(404, "no such path");
}

fetch::HttpOutcome FakeHttpClient::post(const fetch::HttpPost& request) {
  m_requests.push_back("POST " + request.url);
  return text(405, "the registry takes no POST");
}

fetch::HttpResponse FakeHttpClient::list(const std::map<std::string, std::string>& params) const {
  std::vector<const std::string*> matches;  // a search (no filter.ids) finds nothing
  if (const auto ids = params.find("filter.ids"); ids != params.end()) {
    const auto items = split(ids->second, ',');
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (m_rejected.count(items[i]) > 0)
        return text(400, fmt::format("Item {} in parameter `filter.ids` has incorrect format", i + 1));
      const auto study = m_studies.find(items[i]);
      if (study != m_studies.end() && std::find(matches.begin(), matches.end(), &study->second) == matches.end())
        matches.push_back(&study->second);
    }
  }
  const auto size = params.count("pageSize") > 0 ? std::stoul(params.at("pageSize")) : 10;
  const auto offset = params.count("pageToken") > 0 ? std::stoul(params.at("pageToken")) : 0;
  const auto end = std::min(matches.size(), offset + size);
  std::string body = R"({"studies":[)";
  for (auto i = std::min(offset, end); i < end; ++i) body += (i > offset ? "," : "") + *matches[i];
  body += "]";
  if (end < matches.size()) body += fmt::format(R"(,"nextPageToken":"{}")", end);
  return json(body + "}");
}

fetch::HttpResponse FakeHttpClient::single(const std::string& nct_id) const {
  if (const auto study = m_studies.find(nct_id); study != m_studies.end()) return json(study->second);
  if (const auto alias = m_aliases.find(nct_id); alias != m_aliases.end()) {
    auto moved = text(301, "");
    moved.location = "/api/v2/studies/" + alias->second;
    return moved;
  }
  return text(404, fmt::format("NCT number {} not found", nct_id));
}

}  // namespace trialwatch::testing
