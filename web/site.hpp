// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.hpp"
#include "diff/results_due.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace trialwatch::web {

class DashboardCache;
class PageCache;

// A request as the site sees it: no HTTP library type, so pages are rendered and tested without a server.
struct Request {
  std::string method;                                       // GET, HEAD, POST...
  std::string path;                                         // decoded, without the query, e.g. /study/NCT06613490
  std::vector<std::pair<std::string, std::string>> params;  // the decoded query parameters, in order
};

// The answer to a Request: status, body and headers (the security headers are always among them).
struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the site reads and how it judges: the database (opened read-only for each request), the results due rule,
// and the clock that says what "today" is.
struct SiteOptions {
  std::filesystem::path database;
  diff::DueAfter due_after;
  const core::Clock* clock = nullptr;  // must outlive the Site
};

// The read-only web interface (trialwatch(1) serve): every page, the Atom feed and the /api JSON, from the store's
// read side. handle() is safe to call from many threads at once: each call opens its own read-only connection; the
// dashboard's rows and the last pages answered are kept between calls while the database does not change (a page
// for the minute it was rendered in, so its "3 minutes ago" stays true).
class Site {
 public:
  explicit Site(SiteOptions options);

  // Return the answer to `request`: a page, 400/404 pages for bad parameters and unknown paths, 405 for any method
  // but GET and HEAD, 503 when the database cannot be read.
  Response handle(const Request& request) const;

 private:
  SiteOptions m_options;
  std::shared_ptr<DashboardCache> m_dashboard_rows;  // shared by the calls of handle(), which lock it
  std::shared_ptr<PageCache> m_pages;                // the last pages answered, likewise
};

}  // namespace trialwatch::web
