// SPDX-License-Identifier: MIT
#pragma once

#include "core/nct_id.hpp"
#include "core/result.hpp"
#include "fetch/http_client.hpp"
#include "fetch/rate_limiter.hpp"
#include "fetch/retry_policy.hpp"
#include "fetch/sleeper.hpp"
#include "fetch/study_page.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trialwatch::fetch {

// Counters of one client's traffic, for the run record and `trialwatch status`.
struct RegistryStats {
  int requests = 0;
  int retries = 0;
  std::uint64_t bytes = 0;
  bool blocked = false;  // API v2 answered 403 (the website's busy-hours 403 on history requests does not count)
};

// GET /version.
struct VersionInfo {
  std::string data_timestamp;  // opaque: compared for inequality only
  std::string api_version;
};

// The answer to GET /studies/{id}.
struct StudyLookup {
  // What the registry said about the ID.
  enum class Kind { found, moved, not_found };
  Kind kind = Kind::not_found;
  std::string body;      // found: the study JSON
  std::string moved_to;  // moved: the canonical NCT ID the alias points to
};

// Query parameters in order, e.g. {{"query.cond", "lupus"}}; values are percent-encoded by the client.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Called with each study's raw JSON text; an error stops the listing and is returned. An error with code
// `unreadable` says the study's record cannot be read: by_ids() then narrows its batch to that study and skips it.
using StudyVisitor = std::function<core::Result<core::Ok>(std::string study_json)>;

// A study whose record the registry serves but that could not be read: its page does not parse, or the visitor
// refused it as unreadable.
struct UnreadableStudy {
  core::NctId id;
  std::string reason;  // the error's sentence, e.g. "the registry's study list is not valid UTF-8"
};

// The IDs a by_ids() pass skipped instead of failing: those the registry rejects as malformed (skipped until that
// changes) and those whose record could not be read (worth asking for again later).
struct SkippedIds {
  std::vector<core::NctId> rejected;
  std::vector<UnreadableStudy> unreadable;
};

// A study to fetch in full, with the size its document is expected to have (the caller's estimate, in bytes).
struct ExpectedStudy {
  core::NctId id;
  std::size_t bytes;
};

// Limits of one client.
struct RegistryClientOptions {
  std::string base_url = "https://clinicaltrials.gov/api/v2";
  // The website's internal API, for the registry's own version history ([history] base_url).
  std::string history_base_url = "https://clinicaltrials.gov/api/int";
  RetryPolicy retry;
  std::size_t ids_per_batch = 500;  // filter.ids items per request (why 500: docs/registry-api.md)
  int retry_budget = 50;            // retries allowed per client (one sync cycle) before giving up
};

// The ClinicalTrials.gov API v2 protocol: version gate, single studies, paged lists and ID batches, with rate
// limiting and retries; and the website's version history endpoints through the same limiter, retries and counters.
// Returns raw study texts and never interprets study fields.
class RegistryClient {
 public:
  // Talk through `http`, pacing with `limiter`, waiting with `sleeper`; `random` returns numbers in [0, 1) for
  // backoff jitter. All references must outlive the client.
  RegistryClient(HttpClient& http, RateLimiter& limiter, Sleeper& sleeper, std::function<double()> random,
                 RegistryClientOptions options);

  // GET /version.
  core::Result<VersionInfo> version();

  // GET /studies/{id}: found, moved (301, an alias) or not found (404).
  core::Result<StudyLookup> study(const core::NctId& id);

  // Visit every study matching `params`, following nextPageToken with `page_size` studies per page, but at most
  // `limit` studies (no further page is asked for); stop at the first failure (no partial success is reported).
  // Return how many studies were visited.
  core::Result<std::size_t> list(const QueryParams& params, int page_size, const StudyVisitor& visit,
                                 std::size_t limit = std::numeric_limits<std::size_t>::max());

  // Visit the studies with `ids` (batches of at most ids_per_batch, with `fields` when not empty). A batch the
  // registry rejects as malformed (400 naming `filter.ids`), or that fails as unreadable (a page the strict parse
  // refuses, or a study `visit` refuses), is narrowed down by the item number in the registry's answer, else by
  // bisection, to the one ID at fault; that ID is skipped and returned, and the rest of the pass goes on. Each bad
  // study costs its batch asked for again about twice over (2 log2 n more requests for a batch of n on one page). A
  // narrowed batch asks again for studies already visited, so `visit` may see a study more than once.
  core::Result<SkippedIds> by_ids(const std::vector<core::NctId>& ids, const std::string& fields, int page_size,
                                  const StudyVisitor& visit);

  // Visit the full documents of `studies` as by_ids() does, sizing the pages by bytes rather than by count: the IDs
  // are taken in order into batches whose expected sizes add up to at most `page_bytes` (at most ids_per_batch IDs
  // a batch), each asked for on one page. A page over the client's size cap is asked for again in halves.
  core::Result<SkippedIds> documents(const std::vector<ExpectedStudy>& studies, std::size_t page_bytes,
                                     const StudyVisitor& visit);

  // GET {history_base_url}/studies/{id}?history=true: the website's list of the study's past versions, as the raw
  // body (never interpreted here). Error code not_found for a 404. A 403 is the website's busy-hours refusal and is
  // retried like a 429 (it does not mark the client blocked).
  core::Result<std::string> history_list(const core::NctId& id);

  // GET {history_base_url}/studies/{id}/history/{version}: past version `version` (0-based) as the raw body, in the
  // website's formatting. Errors as history_list(); a negative `version` is invalid_input.
  core::Result<std::string> history_version(const core::NctId& id, int version);

  // Return the traffic counters so far.
  const RegistryStats& stats() const noexcept { return m_stats; }

 private:
  // What a 403 means: API v2 refusing us (stop, back off for long) or the website busy (retry like a 429).
  enum class Refusal { blocked, busy };

  core::Result<HttpResponse> get(const std::string& path, const QueryParams& params);
  core::Result<HttpResponse> request(const std::string& base, const std::string& path, const QueryParams& params,
                                     Refusal refusal);
  core::Result<std::string> history_get(const std::string& path, const QueryParams& params, const std::string& what);
  core::Result<core::Ok> batch(std::vector<core::NctId> ids, const std::string& fields, int page_size,
                               const StudyVisitor& visit, SkippedIds& skipped);

  HttpClient& m_http;
  RateLimiter& m_limiter;
  Sleeper& m_sleeper;
  std::function<double()> m_random;
  RegistryClientOptions m_options;
  RegistryStats m_stats;
};

// Percent-encode `text` for a URL query (RFC 3986 unreserved characters and ',' stay as they are).
std::string url_encode(std::string_view text);

}  // namespace trialwatch::fetch
