// SPDX-License-Identifier: MIT
#include "fetch/registry_client.hpp"

#include "core/strings.hpp"
#include "fetch/study_page.hpp"

#include <fmt/format.h>

#include <cctype>
#include <regex>

namespace trialwatch::fetch {

namespace {

using core::Error;

bool is_json(const std::string& content_type) { return content_type.rfind("application/json", 0) == 0; }

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 300) line = line.substr(0, 300) + "…";
  return line;
}

std::string join_ids(const std::vector<core::NctId>& ids) {
  return core::join(ids, ",", [](const core::NctId& id) -> const std::string& { return id.str(); });
}

// The 1-based item number in "Item N in parameter `filter.ids` has incorrect format", if present.
std::optional<std::size_t> rejected_item(const std::string& body) {
  static const std::regex pattern("Item ([0-9]+) in parameter `filter\\.ids`");
  std::smatch match;
  if (!std::regex_search(body, match, pattern)) return std::nullopt;
  return static_cast<std::size_t>(std::stoul(match[1].str()));
}

}  // namespace

std::string url_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',')
      out.push_back(c);
    else
      out += fmt::format("%{:02X}", byte);
  }
  return out;
}

RegistryClient::RegistryClient(HttpClient& http, RateLimiter& limiter, Sleeper& sleeper, std::function<double()> random,
                               RegistryClientOptions options)
    : m_http(http),
      m_limiter(limiter),
      m_sleeper(sleeper),
      m_random(std::move(random)),
      m_options(std::move(options)) {}

core::Result<HttpResponse> RegistryClient::get(const std::string& path, const QueryParams& params) {
  return request(m_options.base_url, path, params, Refusal::blocked);
}

core::Result<HttpResponse> RegistryClient::request(const std::string& base, const std::string& path,
                                                   const QueryParams& params, Refusal refusal) {
  std::string url = base + path;
  for (std::size_t i = 0; i < params.size(); ++i)
    url += fmt::format("{}{}={}", i == 0 ? '?' : '&', params[i].first, url_encode(params[i].second));
  for (int number = 1;; ++number) {
    if (!m_sleeper.sleep_for(m_limiter.delay_before_next()))
      return Error{Error::Code::cancelled, "stopped while waiting to contact the registry"};
    m_limiter.take();
    ++m_stats.requests;
    HttpOutcome outcome = m_http.get(url);

    Attempt attempt{HttpStatus{0}, number, std::nullopt};
    std::string what;
    if (auto* failure = std::get_if<TransportError>(&outcome)) {
      attempt.outcome = failure->kind;
      what = failure->message;
    } else {
      auto& response = std::get<HttpResponse>(outcome);
      m_stats.bytes += response.body.size();
      attempt.retry_after = response.retry_after;
      // The website refuses with 403 at busy hours (docs/registry-api.md): a passing refusal, retried like a 429.
      attempt.outcome = HttpStatus{refusal == Refusal::busy && response.status == 403 ? 429 : response.status};
      if (response.status >= 200 && response.status <= 299 && !is_json(response.content_type)) {
        // A 200 carrying HTML (a proxy or maintenance page) is a transient failure, never data.
        attempt.outcome = HttpStatus{502};
        what = fmt::format("the registry answered {} with '{}' instead of JSON", path,
                           response.content_type.empty() ? "no content type" : response.content_type);
      } else {
        what = fmt::format("the registry answered {} with HTTP {}{}", path, response.status,
                           response.body.empty() ? "" : ": " + first_line(response.body));
      }
    }
    const RetryDecision decision = decide_retry(attempt, m_random(), m_options.retry);
    switch (decision.action) {
      case RetryAction::accept:
      case RetryAction::fail:
        if (const auto* failure = std::get_if<TransportError>(&outcome))
          return Error{failure->kind == TransportFailure::too_large ? Error::Code::too_large : Error::Code::network,
                       what};
        return std::move(std::get<HttpResponse>(outcome));
      case RetryAction::give_up:
        return Error{std::holds_alternative<TransportError>(outcome) ? Error::Code::network : Error::Code::http_status,
                     fmt::format("{} (gave up after {} attempt{})", what, number, number == 1 ? "" : "s")};
      case RetryAction::retry:
        break;
    }
    if (decision.blocked) {
      m_stats.blocked = true;
      return Error{Error::Code::http_status,
                   fmt::format("{}; the registry is refusing our requests, so trialwatch backs off", what)};
    }
    if (++m_stats.retries > m_options.retry_budget)
      return Error{Error::Code::network,
                   fmt::format("{} (the retry budget of {} retries per cycle is spent)", what, m_options.retry_budget)};
    if (!m_sleeper.sleep_for(decision.delay))
      return Error{Error::Code::cancelled, "stopped while waiting to retry a registry request"};
  }
}

core::Result<VersionInfo> RegistryClient::version() {
  TW_TRY(response, get("/version", {}));
  if (response->status != 200)
    return Error{Error::Code::http_status,
                 fmt::format("the registry answered /version with HTTP {}", response->status)};
  TW_TRY(parsed, parse_version(response->body));
  return VersionInfo{parsed->first, parsed->second};
}

core::Result<StudyLookup> RegistryClient::study(const core::NctId& id) {
  TW_TRY(response, get("/studies/" + id.str(), {}));
  StudyLookup lookup;
  if (response->status == 200) {
    lookup.kind = StudyLookup::Kind::found;
    lookup.body = std::move(response->body);
  } else if (response->status == 301 || response->status == 308) {
    const auto slash = response->location.rfind('/');
    auto target =
        core::NctId::parse(slash == std::string::npos ? response->location : response->location.substr(slash + 1));
    if (!target)
      return Error{Error::Code::bad_response, fmt::format("the registry redirected {} to '{}', which is not a study",
                                                          id.str(), response->location)};
    lookup.kind = StudyLookup::Kind::moved;
    lookup.moved_to = target->str();
  } else if (response->status == 404) {
    lookup.kind = StudyLookup::Kind::not_found;
  } else {
    return Error{Error::Code::http_status, fmt::format("the registry answered /studies/{} with HTTP {}: {}", id.str(),
                                                       response->status, first_line(response->body))};
  }
  return lookup;
}

core::Result<std::string> RegistryClient::history_get(const std::string& path, const QueryParams& params,
                                                      const std::string& what) {
  TW_TRY(response, request(m_options.history_base_url, path, params, Refusal::busy));
  if (response->status == 200) return std::move(response->body);
  if (response->status == 404)
    return Error{Error::Code::not_found, fmt::format("the registry's website has no {} (HTTP 404)", what)};
  return Error{Error::Code::http_status, fmt::format("the registry's website answered {} with HTTP {}: {}", path,
                                                     response->status, first_line(response->body))};
}

core::Result<std::string> RegistryClient::history_list(const core::NctId& id) {
  return history_get("/studies/" + id.str(), {{"history", "true"}}, "history of " + id.str());
}

core::Result<std::string> RegistryClient::history_version(const core::NctId& id, int version) {
  if (version < 0)
    return Error{Error::Code::invalid_input,
                 fmt::format("version {} of {} does not exist: versions count from 0", version, id.str())};
  return history_get(fmt::format("/studies/{}/history/{}", id.str(), version), {},
                     fmt::format("version {} of {}", version, id.str()));
}

core::Result<std::size_t> RegistryClient::list(const QueryParams& params, int page_size, const StudyVisitor& visit,
                                               std::size_t limit) {
  std::size_t visited = 0;
  std::optional<std::string> token;
  do {
    QueryParams page_params = params;
    page_params.emplace_back("pageSize", std::to_string(page_size));
    if (token) page_params.emplace_back("pageToken", *token);
    TW_TRY(response, get("/studies", page_params));
    if (response->status == 400)
      return Error{Error::Code::invalid_input,
                   fmt::format("the registry rejected the search: {}", first_line(response->body))};
    if (response->status != 200)
      return Error{Error::Code::http_status, fmt::format("the registry answered /studies with HTTP {}: {}",
                                                         response->status, first_line(response->body))};
    TW_TRY(page, parse_study_page(response->body));
    for (auto& study : page->studies) {
      if (visited == limit) return visited;
      TW_TRY(visited_ok, visit(std::move(study)));
      ++visited;
    }
    token = std::move(page->next_page_token);  // only a missing token ends paging; an empty page does not
  } while (token && visited < limit);
  return visited;
}

core::Result<core::Ok> RegistryClient::batch(std::vector<core::NctId> ids, const std::string& fields, int page_size,
                                             const StudyVisitor& visit, SkippedIds& skipped) {
  if (ids.empty()) return core::Ok{};
  QueryParams params{{"filter.ids", join_ids(ids)}};
  if (!fields.empty()) params.emplace_back("fields", fields);
  auto result = list(params, page_size, visit);
  if (result) return core::Ok{};
  const Error& error = result.error();
  const bool rejected =
      error.code == Error::Code::invalid_input && error.message.find("filter.ids") != std::string::npos;
  // Ask for each half of the batch on pages of `half_page_size`.
  const auto in_halves = [&](int half_page_size) -> core::Result<core::Ok> {
    const auto half = ids.begin() + static_cast<std::ptrdiff_t>(ids.size() / 2);
    TW_TRY(left, batch(std::vector<core::NctId>(ids.begin(), half), fields, half_page_size, visit, skipped));
    return batch(std::vector<core::NctId>(half, ids.end()), fields, half_page_size, visit, skipped);
  };
  if (error.code == Error::Code::too_large && ids.size() > 1) return in_halves((page_size + 1) / 2);
  if (!rejected && error.code != Error::Code::unreadable) return Error(error);
  // One item of the batch is at fault: isolate it, keep the rest.
  if (const auto item = rejected ? rejected_item(error.message) : std::nullopt;
      item && *item >= 1 && *item <= ids.size()) {
    skipped.rejected.push_back(ids[*item - 1]);
    ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(*item - 1));
    return batch(std::move(ids), fields, page_size, visit, skipped);
  }
  if (ids.size() == 1) {
    if (rejected)
      skipped.rejected.push_back(ids.front());
    else
      skipped.unreadable.push_back(UnreadableStudy{ids.front(), error.message});
    return core::Ok{};
  }
  return in_halves(page_size);
}

core::Result<SkippedIds> RegistryClient::by_ids(const std::vector<core::NctId>& ids, const std::string& fields,
                                                int page_size, const StudyVisitor& visit) {
  SkippedIds skipped;
  for (std::size_t start = 0; start < ids.size(); start += m_options.ids_per_batch) {
    const auto end = std::min(ids.size(), start + m_options.ids_per_batch);
    auto result = batch(std::vector<core::NctId>(ids.begin() + static_cast<std::ptrdiff_t>(start),
                                                 ids.begin() + static_cast<std::ptrdiff_t>(end)),
                        fields, page_size, visit, skipped);
    if (!result) return std::move(result).error();
  }
  return skipped;
}

core::Result<SkippedIds> RegistryClient::documents(const std::vector<ExpectedStudy>& studies, std::size_t page_bytes,
                                                   const StudyVisitor& visit) {
  SkippedIds skipped;
  std::vector<core::NctId> ids;
  std::size_t expected = 0;
  const auto flush = [&]() -> core::Result<core::Ok> {
    if (ids.empty()) return core::Ok{};
    // One more than the batch holds, so the page is never full and carries no token to an empty next page.
    const int page_size = static_cast<int>(ids.size()) + 1;
    auto result = batch(std::exchange(ids, {}), "", page_size, visit, skipped);
    expected = 0;
    return result;
  };
  for (const auto& study : studies) {
    if (!ids.empty() && (expected + study.bytes > page_bytes || ids.size() == m_options.ids_per_batch)) {
      TW_TRY(result, flush());
    }
    ids.push_back(study.id);
    expected += study.bytes;
  }
  TW_TRY(result, flush());
  return skipped;
}

}  // namespace trialwatch::fetch
