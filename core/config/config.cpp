// SPDX-License-Identifier: MIT
#include "core/config/config.hpp"

#include "core/listen_address.hpp"
#include "core/log.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <utility>

namespace trialwatch::core {

namespace {

// Reads one TOML table, remembering which keys were used so unknown ones can be reported.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& source, std::string section)
      : m_table(table), m_source(source), m_section(std::move(section)) {}

  [[noreturn]] void fail(const toml::node* node, std::string_view message) const {
    const auto line = node != nullptr ? node->source().begin.line : m_table.source().begin.line;
    throw ConfigError(fmt::format("{}:{}: {}", m_source, line, message));
  }

  std::string qualified(std::string_view key) const {
    return m_section.empty() ? std::string(key) : fmt::format("{}.{}", m_section, key);
  }

  const toml::node* take(std::string_view key) {
    m_known.insert(std::string(key));
    return m_table.get(key);
  }

  void read(std::string_view key, std::string& out) {
    if (const toml::node* node = take(key)) {
      const auto* value = node->as_string();
      if (value == nullptr) fail(node, fmt::format("{} must be a string", qualified(key)));
      out = value->get();
    }
  }

  void read(std::string_view key, double& out, double low, double high) {
    if (const toml::node* node = take(key)) {
      const auto value = node->value<double>();
      if (!value) fail(node, fmt::format("{} must be a number", qualified(key)));
      if (*value < low || *value > high)
        fail(node, fmt::format("{} must be between {} and {}", qualified(key), low, high));
      out = *value;
    }
  }

  void read(std::string_view key, int& out, int low, int high) {
    if (const toml::node* node = take(key)) {
      const auto* value = node->as_integer();
      if (value == nullptr) fail(node, fmt::format("{} must be a whole number", qualified(key)));
      if (value->get() < low || value->get() > high)
        fail(node, fmt::format("{} must be between {} and {}", qualified(key), low, high));
      out = static_cast<int>(value->get());
    }
  }

  void read_duration(std::string_view key, std::chrono::seconds& out) {
    if (const toml::node* node = take(key)) {
      const auto* value = node->as_string();
      const auto parsed = value != nullptr ? parse_duration(value->get()) : std::nullopt;
      if (!parsed) fail(node, fmt::format("{} must be a duration such as \"30m\", \"12h\" or \"7d\"", qualified(key)));
      out = *parsed;
    }
  }

  std::vector<std::string> read_strings(std::string_view key) {
    std::vector<std::string> out;
    if (const toml::node* node = take(key)) {
      const auto* array = node->as_array();
      if (array == nullptr) fail(node, fmt::format("{} must be a list of strings", qualified(key)));
      for (const auto& element : *array) {
        const auto* value = element.as_string();
        if (value == nullptr) fail(&element, fmt::format("{} must be a list of strings", qualified(key)));
        out.push_back(value->get());
      }
    }
    return out;
  }

  void reject_unknown_keys() const {
    for (const auto& [key, node] : m_table)
      if (m_known.count(std::string(key.str())) == 0)
        fail(&node, fmt::format("unknown key '{}'; see docs/configuration.md for the keys trialwatch reads",
                                qualified(key.str())));
  }

 private:
  const toml::table& m_table;
  const std::string& m_source;
  std::string m_section;
  std::set<std::string> m_known;
};

const toml::table* sub_table(TableReader& root, const toml::table& table, std::string_view key) {
  const toml::node* node = root.take(key);
  if (node == nullptr) return nullptr;
  const auto* sub = node->as_table();
  if (sub == nullptr) root.fail(node, fmt::format("[{}] must be a table", key));
  (void)table;
  return sub;
}

template <typename Each>
void for_each_table(TableReader& root, std::string_view key, Each each) {
  const toml::node* node = root.take(key);
  if (node == nullptr) return;
  const auto* array = node->as_array();
  if (array == nullptr) root.fail(node, fmt::format("[[{}]] must be an array of tables", key));
  for (const auto& element : *array) {
    const auto* table = element.as_table();
    if (table == nullptr) root.fail(&element, fmt::format("[[{}]] must be an array of tables", key));
    each(*table);
  }
}

// Read `key` as an http(s) URL without its trailing slashes.
void read_base_url(TableReader& reader, const toml::table& table, std::string_view key, std::string& out) {
  if (table.get(key) == nullptr) return;
  reader.read(key, out);
  if (out.rfind("https://", 0) != 0 && out.rfind("http://", 0) != 0)
    reader.fail(table.get(key), fmt::format("{} must be an http:// or https:// URL", reader.qualified(key)));
  while (!out.empty() && out.back() == '/') out.pop_back();
}

void read_api(const toml::table& table, const std::string& source, ApiConfig& api) {
  TableReader reader(table, source, "api");
  read_base_url(reader, table, "base_url", api.base_url);
  reader.read("requests_per_second", api.requests_per_second, 0.01, 100.0);
  reader.read("max_attempts", api.max_attempts, 1, 10);
  reader.read_duration("connect_timeout", api.connect_timeout);  // durations are at least 1s
  reader.read_duration("timeout", api.timeout);
  reader.read_duration("stall_timeout", api.stall_timeout);
  reader.read("max_response_mib", api.max_response_mib, 1, 1024);
  reader.reject_unknown_keys();
}

void read_sync(const toml::table& table, const std::string& source, SyncConfig& sync) {
  TableReader reader(table, source, "sync");
  reader.read_duration("check_interval", sync.check_interval);
  reader.read_duration("full_reconcile", sync.full_reconcile);
  reader.read_duration("watchlist_poll", sync.watchlist_poll);
  const toml::node* track = table.get("track");
  for (const auto& text : reader.read_strings("track")) {
    auto id = NctId::parse(text);
    if (!id) reader.fail(track, fmt::format("sync.track: {}", id.error().message));
    sync.track.push_back(*id);
  }
  reader.reject_unknown_keys();
}

void read_log(const toml::table& table, const std::string& source, LogConfig& log) {
  TableReader reader(table, source, "log");
  reader.read("level", log.level);
  if (!parse_log_level(log.level))
    reader.fail(table.get("level"), "log.level must be \"debug\", \"info\", \"warning\" or \"error\"");
  reader.read("event_file", log.event_file);
  if (table.get("event_file") != nullptr && log.event_file.empty())
    reader.fail(table.get("event_file"), "log.event_file must name a file (or be left out)");
  reader.reject_unknown_keys();
}

// Say whether the registry would take `word` as an NCT ID: its own rule is looser than ours, 1 to 8 digits.
bool looks_like_nct_id(std::string_view word) {
  if (word.size() < 4 || word.size() > 11 || (word[0] != 'N' && word[0] != 'n') || (word[1] != 'C' && word[1] != 'c') ||
      (word[2] != 'T' && word[2] != 't'))
    return false;
  return word.find_first_not_of("0123456789", 3) == std::string_view::npos;
}

// Say whether `text` is nothing but NCT IDs (and separators): the registry's trap for query.* parameters.
bool only_nct_ids(std::string_view text) {
  bool any = false;
  std::string word;
  auto flush = [&] {
    const std::string taken = std::exchange(word, std::string());
    if (taken.empty() || taken == "OR" || taken == "AND") return true;
    any = true;
    return looks_like_nct_id(taken);
  };
  for (const char c : text) {
    if (c == ' ' || c == ',' || c == '|' || c == '(' || c == ')' || c == '"') {
      if (!flush()) return false;
    } else {
      word.push_back(c);
    }
  }
  return flush() && any;
}

SearchConfig read_search(const toml::table& table, const std::string& source) {
  TableReader reader(table, source, "search");
  SearchConfig search;
  reader.read("name", search.name);
  if (search.name.empty()) reader.fail(&table, "every [[search]] needs a name");
  reader.read("cond", search.cond);
  reader.read("intr", search.intr);
  reader.read("term", search.term);
  reader.read("spons", search.spons);
  reader.read("advanced", search.advanced);
  reader.read("max_matches", search.max_matches, 1, 100000);
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"cond", &search.cond},
                                   {"intr", &search.intr},
                                   {"term", &search.term},
                                   {"spons", &search.spons}})
    if (only_nct_ids(*value))
      reader.fail(table.get(key),
                  fmt::format("search.{} of '{}' holds only NCT IDs, and the registry then ignores every other filter: "
                              "list them in [sync] track instead",
                              key, search.name));
  if (search.cond.empty() && search.intr.empty() && search.term.empty() && search.spons.empty() &&
      search.advanced.empty())
    reader.fail(&table,
                fmt::format("search '{}' needs at least one of cond, intr, term, spons, advanced", search.name));
  reader.reject_unknown_keys();
  return search;
}

void read_related(const toml::table& table, const std::string& source, RelatedConfig& related) {
  TableReader reader(table, source, "related");
  std::string mode = "suggest";
  reader.read("mode", mode);
  if (mode == "suggest")
    related.mode = RelatedConfig::Mode::suggest;
  else if (mode == "track")
    related.mode = RelatedConfig::Mode::track;
  else if (mode == "off")
    related.mode = RelatedConfig::Mode::off;
  else
    reader.fail(table.get("mode"), "related.mode must be \"suggest\", \"track\" or \"off\"");
  reader.read("max_per_study", related.max_per_study, 1, 100);
  reader.reject_unknown_keys();
}

// Read `key` as a backfill mode: "full", "status" or "off".
void read_backfill(TableReader& reader, const toml::table& table, std::string_view key, HistoryConfig::Backfill& out) {
  using Backfill = HistoryConfig::Backfill;
  static const std::map<std::string, Backfill, std::less<>> modes{
      {"full", Backfill::full}, {"status", Backfill::status}, {"off", Backfill::off}};
  std::string name;
  reader.read(key, name);
  if (table.get(key) == nullptr) return;  // absent: the default stays
  const auto mode = modes.find(name);
  if (mode == modes.end())
    reader.fail(table.get(key), fmt::format("{} must be \"full\", \"status\" or \"off\"", reader.qualified(key)));
  out = mode->second;
}

void read_history(const toml::table& table, const std::string& source, HistoryConfig& history) {
  TableReader reader(table, source, "history");
  read_base_url(reader, table, "base_url", history.base_url);
  read_backfill(reader, table, "backfill", history.backfill);
  read_backfill(reader, table, "discovered", history.discovered);
  reader.read("requests_per_cycle", history.requests_per_cycle, 1, 100000);
  reader.reject_unknown_keys();
}

NotifyConfig read_notify(const toml::table& table, const std::string& source) {
  TableReader reader(table, source, "notify");
  NotifyConfig notify;
  reader.read("name", notify.name);
  if (notify.name.empty()) reader.fail(&table, "every [[notify]] needs a name");
  using Type = NotifyConfig::Type;
  static const std::map<std::string, Type, std::less<>> types{{"webhook", Type::webhook},
                                                              {"ntfy", Type::ntfy},
                                                              {"slack", Type::slack},
                                                              {"smtp", Type::smtp},
                                                              {"exec", Type::exec}};
  std::string type_name;
  reader.read("type", type_name);
  const auto type = types.find(type_name);
  if (type == types.end())
    reader.fail(table.get("type") != nullptr ? table.get("type") : &table,
                "notify.type must be one of webhook, ntfy, slack, smtp, exec");
  notify.type = type->second;
  reader.read("url_credential", notify.url_credential);
  reader.read("secret_credential", notify.secret_credential);
  reader.read("token_credential", notify.token_credential);
  reader.read("from", notify.from);
  notify.to = reader.read_strings("to");
  if (notify.type == Type::smtp && (notify.from.empty() || notify.to.empty()))
    reader.fail(&table,
                fmt::format("notify '{}': an smtp channel needs from = \"...\" and to = [\"...\"]", notify.name));
  if (notify.type != Type::exec && notify.url_credential.empty())
    reader.fail(&table, fmt::format("notify '{}': a {} channel needs url_credential = \"NAME\" (the URL is a secret, "
                                    "kept in a credential file, not here)",
                                    notify.name, type_name));
  if (const toml::node* events = table.get("events")) {
    notify.events = reader.read_strings("events");
    for (const auto& name : notify.events)
      if (!parse_event_type(name)) reader.fail(events, fmt::format("notify.events: unknown event type '{}'", name));
  }
  for (const auto& text : reader.read_strings("studies")) {
    const auto id = NctId::parse(text);
    if (!id) reader.fail(table.get("studies"), fmt::format("notify.studies: {}", id.error().message));
    notify.studies.push_back(id->str());
  }
  notify.sources = reader.read_strings("sources");
  notify.command = reader.read_strings("command");
  if (notify.type == Type::exec && notify.command.empty())
    reader.fail(&table,
                fmt::format("notify '{}': an exec channel needs command = [\"/path/to/program\", ...]", notify.name));
  if (!notify.command.empty() && notify.command.front().rfind('/', 0) != 0)
    reader.fail(table.get("command"), "notify.command must start with an absolute path (no shell, no PATH search)");
  reader.read_duration("timeout", notify.timeout);
  reader.read_duration("max_age", notify.max_age);
  std::string digest = "off";
  reader.read("digest", digest);
  if (digest != "off" && digest != "daily")
    reader.fail(table.get("digest"), "notify.digest must be \"off\" or \"daily\"");
  notify.daily_digest = digest == "daily";
  reader.read("digest_hour", notify.digest_hour, 0, 23);
  std::string quiet;
  reader.read("quiet_hours", quiet);
  if (!quiet.empty()) {
    int h1 = 0, m1 = 0, h2 = 0, m2 = 0;
    char tail = 0;
    if (std::sscanf(quiet.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 > 23 || h2 > 23 ||
        m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 || (h1 == h2 && m1 == m2))
      reader.fail(table.get("quiet_hours"), "notify.quiet_hours must look like \"22:00-07:00\" (local time)");
    notify.quiet_hours = std::pair<int, int>{h1 * 60 + m1, h2 * 60 + m2};
  }
  reader.reject_unknown_keys();
  return notify;
}

}  // namespace

// The longest duration parse_duration() reads, in seconds: a hundred years, so that a time point moved by it
// (nanoseconds from 1970) cannot overflow.
constexpr long long k_longest_duration = 100LL * 366 * 86400;

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    long long amount = 0;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      amount = amount * 10 + (text[i] - '0');
      if (amount > 100000000) return std::nullopt;
      ++i;
    }
    if (i == start || i == text.size()) return std::nullopt;
    switch (text[i++]) {
      case 's':
        total += amount;
        break;
      case 'm':
        total += amount * 60;
        break;
      case 'h':
        total += amount * 3600;
        break;
      case 'd':
        total += amount * 86400;
        break;
      case 'w':
        total += amount * 604800;
        break;
      default:
        return std::nullopt;
    }
    if (total > k_longest_duration) return std::nullopt;
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::seconds(total);
}

std::string history_base_url(const Config& config) {
  if (!config.history.base_url.empty()) return config.history.base_url;
  constexpr std::string_view api_v2 = "/api/v2";
  std::string_view api = config.api.base_url;
  while (!api.empty() && api.back() == '/') api.remove_suffix(1);
  if (api.size() >= api_v2.size() && api.substr(api.size() - api_v2.size()) == api_v2)
    return std::string(api.substr(0, api.size() - api_v2.size())) + "/api/int";
  return "https://clinicaltrials.gov/api/int";
}

// Read [results]: due_after as whole months ("12m") or years ("1y"), up to 10 years.
void read_results(const toml::table& table, const std::string& source, ResultsConfig& results) {
  TableReader reader(table, source, "results");
  std::string due_after;
  reader.read("due_after", due_after);
  if (table.get("due_after") != nullptr) {
    static const std::regex form("^([0-9]{1,3})([my])$");
    std::smatch match;
    const int months =
        std::regex_match(due_after, match, form) ? std::stoi(match[1].str()) * (match[2].str() == "y" ? 12 : 1) : 0;
    if (months < 1 || months > 120)
      reader.fail(table.get("due_after"),
                  "results.due_after must be whole months or years between \"1m\" and \"10y\", such as \"12m\"");
    results.due_after_months = months;
  }
  reader.reject_unknown_keys();
}

// Read [web]: the address `trialwatch serve` listens on and the credential naming its access token.
void read_web(const toml::table& table, const std::string& source, WebConfig& web) {
  TableReader reader(table, source, "web");
  reader.read("listen", web.listen);
  if (table.get("listen") != nullptr && !parse_listen_address(web.listen))
    reader.fail(table.get("listen"),
                "web.listen must be HOST:PORT or [IPv6]:PORT with a port from 0 to 65535, such as \"127.0.0.1:8470\"");
  reader.read("token_credential", web.token_credential);
  const std::string& name = web.token_credential;
  if (table.get("token_credential") != nullptr &&
      (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos))
    reader.fail(table.get("token_credential"),
                "web.token_credential must name a credential, a plain file name such as \"web_token\"");
  reader.reject_unknown_keys();
}

Config parse_config(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
  Config config;
  TableReader reader(root, source, "");
  if (const auto* api = sub_table(reader, root, "api")) read_api(*api, source, config.api);
  if (const auto* sync = sub_table(reader, root, "sync")) read_sync(*sync, source, config.sync);
  if (const auto* log = sub_table(reader, root, "log")) read_log(*log, source, config.log);
  if (const auto* related = sub_table(reader, root, "related")) read_related(*related, source, config.related);
  if (const auto* history = sub_table(reader, root, "history")) read_history(*history, source, config.history);
  if (const auto* results = sub_table(reader, root, "results")) read_results(*results, source, config.results);
  if (const auto* web = sub_table(reader, root, "web")) read_web(*web, source, config.web);
  std::set<std::string> names;
  for_each_table(reader, "search", [&](const toml::table& table) {
    config.searches.push_back(read_search(table, source));
    if (!names.insert("search:" + config.searches.back().name).second)
      reader.fail(&table, fmt::format("two searches are named '{}'", config.searches.back().name));
  });
  for_each_table(reader, "notify", [&](const toml::table& table) {
    config.notify.push_back(read_notify(table, source));
    if (!names.insert("notify:" + config.notify.back().name).second)
      reader.fail(&table, fmt::format("two notify channels are named '{}'", config.notify.back().name));
  });
  reader.reject_unknown_keys();
  return config;
}

Config load_config_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError(
        fmt::format("{}: cannot read the configuration file; check the path and its permissions", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string());
}

}  // namespace trialwatch::core
