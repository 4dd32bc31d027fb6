// SPDX-License-Identifier: MIT
#include "web/site.hpp"

#include "core/json_text.hpp"
#include "store/store_error.hpp"

#include "report/bad_parameter.hpp"
#include "web/dashboard_rows.hpp"
#include "web/html.hpp"
#include "web/page_cache.hpp"
#include "web/pages.hpp"
#include <fmt/format.h>

namespace trialwatch::web {

namespace {

// Headers every answer carries: no script or asset from anywhere but this site, no sniffing, no framing.
void add_security_headers(Response& response) {
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
}

Response error_for(std::string_view path, int status, std::string_view sentence) {
  if (!path.starts_with("/api/")) return error_page(status, sentence);
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = "{\"error\":" + core::json_quote(sentence) + "}\n";
  return response;
}

Response asset(std::string_view body, std::string content_type) {
  Response response;
  response.content_type = std::move(content_type);
  response.body = std::string(body);
  response.headers.emplace_back("Cache-Control", "max-age=3600");
  return response;
}

// The study a path names after `prefix` ("/study/"), and what follows it; nothing when it names none.
std::optional<std::pair<core::NctId, std::string_view>> study_path(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  path.remove_prefix(prefix.size());
  const std::size_t slash = path.find('/');
  return std::pair{report::parse_id(path.substr(0, slash)),
                   slash == std::string_view::npos ? std::string_view() : path.substr(slash)};
}

Response route(const PageContext& context, const Request& request) {
  const std::string_view path = request.path;
  if (path == "/") return dashboard(context, request);
  if (path == "/events") return events_page(context, request);
  if (path == "/due") return due_page(context);
  if (path == "/related") return related_page(context);
  if (path == "/status") return status_page(context);
  if (path == "/feed.atom") return atom(context);
  if (auto study = study_path(path, "/study/")) {
    if (study->second.empty()) return study_page(context, study->first);
    if (study->second == "/diff") return diff_page(context, study->first, request);
  }
  if (auto answer = api(context, path, request)) return std::move(*answer);
  return error_for(path, 404, fmt::format("There is no page at {}.", path));
}

// What a page depends on besides the database: its path and parameters, and the minute it is rendered in.
std::string cache_key(const Request& request, std::chrono::system_clock::time_point now) {
  std::string key =
      fmt::format("{}\n{}", std::chrono::floor<std::chrono::minutes>(now).time_since_epoch().count(), request.path);
  for (const auto& [name, value] : request.params)  // each with its length: no two lists of parameters give one key
    key += fmt::format("\n{}:{}{}:{}", name.size(), name, value.size(), value);
  return key;
}

}  // namespace

Site::Site(SiteOptions options)
    : m_options(std::move(options)),
      m_dashboard_rows(std::make_shared<DashboardCache>()),
      m_pages(std::make_shared<PageCache>()) {}

Response Site::handle(const Request& request) const {
  Response response = [&]() -> Response {
    if (request.method != "GET" && request.method != "HEAD") {
      auto refused = error_for(request.path, 405, "This interface is read-only: it answers GET and HEAD only.");
      refused.headers.emplace_back("Allow", "GET, HEAD");
      return refused;
    }
    if (request.path == "/style.css") return asset(stylesheet(), "text/css; charset=utf-8");
    if (request.path == "/favicon.svg" || request.path == "/favicon.ico") return asset(icon_svg(), "image/svg+xml");
    const auto now = m_options.clock->now();
    const auto stamp = DatabaseStamp::of(m_options.database);  // before reading: a write after it changes it
    const auto looked_at = std::chrono::system_clock::now();
    const std::string key = cache_key(request, now);
    if (auto kept = m_pages->find(key, stamp)) return std::move(*kept);
    try {
      auto db = store::Database::open(m_options.database, store::OpenMode::read_only);
      const PageContext context{db,
                                now,
                                std::chrono::floor<std::chrono::days>(now),
                                m_options.due_after,
                                m_options.database,
                                m_dashboard_rows.get()};
      auto page = route(context, request);
      if (stamp.settled(looked_at)) m_pages->keep(key, stamp, page);
      return page;
    } catch (const report::BadParameter& e) {
      return error_for(request.path, 400, e.what());
    } catch (const store::StoreError& e) {
      return error_for(request.path, 503, e.what());
    }
  }();
  add_security_headers(response);
  return response;
}

}  // namespace trialwatch::web
