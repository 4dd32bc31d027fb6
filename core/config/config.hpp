// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.hpp"
#include "core/nct_id.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::core {

// A configuration problem an operator must fix; the message reads "file:line: what is wrong" (exit 78).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [api]: where the registry is and how politely to ask it.
struct ApiConfig {
  std::string base_url = "https://clinicaltrials.gov/api/v2";
  double requests_per_second = 1.0;
  int max_attempts = 5;  // attempts per request, the first included (retries back off exponentially)
  std::chrono::seconds connect_timeout{10};  // to open a connection
  std::chrono::seconds timeout{120};         // for a whole request, body included
  std::chrono::seconds stall_timeout{30};    // a body arriving slower than 1 KiB/s for this long is abandoned
  int max_response_mib = 64;                 // a larger (decoded) answer is refused mid-transfer
};

// [sync]: when to check and what to track.
struct SyncConfig {
  std::chrono::seconds check_interval{30 * 60};
  std::chrono::seconds full_reconcile{7 * 24 * 3600};
  std::chrono::seconds watchlist_poll{15};  // how often the daemon looks for studies tracked with the CLI
  std::vector<NctId> track;
};

// [log]: what the daemon writes besides the database.
struct LogConfig {
  std::string level = "info";  // debug | info | warning | error; --log-level overrides it
  std::string event_file;      // if set: every change event appended to this file as one JSON object per line
};

// One [[search]]: a saved registry search whose new matches are tracked.
struct SearchConfig {
  std::string name;
  std::string cond;      // query.cond
  std::string intr;      // query.intr
  std::string term;      // query.term
  std::string spons;     // query.spons
  std::string advanced;  // filter.advanced
  int max_matches = 1000;
};

// [related]: related-trial discovery.
struct RelatedConfig {
  // What to do with related trials found.
  enum class Mode { suggest, track, off };
  Mode mode = Mode::suggest;
  int max_per_study = 10;
};

// [history]: backfilling the registry's own past versions from the website's history endpoints.
struct HistoryConfig {
  // How much of a study's past to fetch: every version, the status list alone, or nothing.
  enum class Backfill { full, status, off };
  std::string base_url;                    // empty: beside api.base_url (see history_base_url())
  Backfill backfill = Backfill::full;      // studies tracked explicitly (configuration, CLI)
  Backfill discovered = Backfill::status;  // studies tracked by saved searches and related mode
  int requests_per_cycle = 200;            // history requests a sync cycle may spend on the backfill
};

// [results]: when results are due (docs/results-due.md).
struct ResultsConfig {
  int due_after_months = 12;  // after primary completion; "12m" or "1y" in the file
};

// [web]: `trialwatch serve`, the read-only web interface.
struct WebConfig {
  std::string listen = "127.0.0.1:8470";  // HOST:PORT or [IPv6]:PORT; port 0 = any free port
  std::string token_credential;           // the credential holding the access token; empty: none on loopback
};

// One [[notify]] channel. Secrets are named (credentials), never held here.
struct NotifyConfig {
  // The kinds of channel, named in the configuration as written here.
  enum class Type { webhook, ntfy, slack, smtp, exec };
  std::string name;
  Type type = Type::webhook;
  std::string url_credential;                         // webhook, ntfy, slack: the credential holding the URL
  std::string secret_credential;                      // webhook: the credential holding the signing secret (optional)
  std::string token_credential;                       // ntfy: the credential holding an access token (optional)
  std::vector<std::string> events{"results_posted"};  // event types it sends
  std::vector<std::string> studies;                   // only these NCT IDs (canonical); empty = all
  std::vector<std::string> sources;                   // only studies tracked for these reasons; empty = all
  std::vector<std::string> command;                   // exec: the program and its arguments (no shell)
  std::string from;                                   // smtp: the sender, "Name <address>" or an address
  std::vector<std::string> to;                        // smtp: the recipients
  std::chrono::seconds timeout{30};                   // one try at most this long
  std::chrono::seconds max_age{24 * 3600};            // then the delivery is dead
  bool daily_digest = false;                          // digest = "daily": other events wait for one daily message
  int digest_hour = 8;                                // local hour the daily digest goes out
  std::optional<std::pair<int, int>> quiet_hours;     // local minutes after midnight [start, end), may wrap
};

// The whole configuration file (docs/configuration.md); every member has the documented default.
struct Config {
  ApiConfig api;
  SyncConfig sync;
  LogConfig log;
  std::vector<SearchConfig> searches;
  RelatedConfig related;
  HistoryConfig history;
  ResultsConfig results;
  WebConfig web;
  std::vector<NotifyConfig> notify;
};

// Return the URL the registry's history is read from: [history] base_url when set, else api.base_url with its
// "/api/v2" replaced by "/api/int" (the website serves both, so a mirror or a test registry serves both too), else
// the registry's own.
std::string history_base_url(const Config& config);

// Parse TOML `text` read from `source` (named in messages); throw ConfigError("source:line: ...") for a syntax
// error, an unknown key, a value of the wrong type or range, or a malformed NCT ID.
Config parse_config(std::string_view text, const std::string& source);

// Read and parse the file at `path`; throw ConfigError when it cannot be read or is invalid.
Config load_config_file(const std::filesystem::path& path);

// Parse a duration such as "30m", "7d", "1h30m" or "45s" (units s, m, h, d, w); nothing when malformed or zero.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace trialwatch::core
