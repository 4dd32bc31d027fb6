// SPDX-License-Identifier: MIT
#include "core/config/config.hpp"

#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using trialwatch::core::Config;
using trialwatch::core::ConfigError;
using trialwatch::core::HistoryConfig;
using trialwatch::core::parse_config;
using trialwatch::core::parse_duration;
using trialwatch::core::RelatedConfig;

TEST_CASE("an empty configuration gives the documented defaults", "[core][config]") {
  const Config config = parse_config("", "empty.toml");
  CHECK(config.api.base_url == "https://clinicaltrials.gov/api/v2");
  CHECK(config.api.requests_per_second == 1.0);
  CHECK(config.api.connect_timeout == 10s);
  CHECK(config.api.timeout == 120s);
  CHECK(config.api.stall_timeout == 30s);
  CHECK(config.api.max_response_mib == 64);
  CHECK(config.sync.check_interval == 30min);
  CHECK(config.sync.full_reconcile == 168h);
  CHECK(config.sync.track.empty());
  CHECK(config.related.mode == RelatedConfig::Mode::suggest);
  CHECK(config.history.base_url.empty());
  CHECK(history_base_url(config) == "https://clinicaltrials.gov/api/int");
  CHECK(config.history.backfill == HistoryConfig::Backfill::full);
  CHECK(config.history.discovered == HistoryConfig::Backfill::status);
  CHECK(config.history.requests_per_cycle == 200);
  CHECK(config.results.due_after_months == 12);
  CHECK(config.web.listen == "127.0.0.1:8470");
  CHECK(config.web.token_credential.empty());
}

TEST_CASE("[results] due_after takes whole months or years, one month to ten years", "[core][config]") {
  CHECK(parse_config("[results]\ndue_after = \"18m\"\n", "r.toml").results.due_after_months == 18);
  CHECK(parse_config("[results]\ndue_after = \"1y\"\n", "r.toml").results.due_after_months == 12);
  CHECK(parse_config("[results]\ndue_after = \"10y\"\n", "r.toml").results.due_after_months == 120);
  for (const char* bad : {"0m", "11y", "365d", "12", "m", "-1m", "1.5y"})
    CHECK_THROWS_WITH(parse_config(std::string("[results]\ndue_after = \"") + bad + "\"\n", "r.toml"),
                      Catch::Contains("r.toml:2: results.due_after must be whole months or years"));
  CHECK_THROWS_WITH(parse_config("[results]\ndue = \"12m\"\n", "r.toml"), Catch::Contains("unknown key 'results.due'"));
}

TEST_CASE("[history] sets the website's base URL, both backfill modes and the request budget", "[core][config]") {
  const Config config = parse_config(R"(
[history]
base_url = "http://127.0.0.1:8089/api/int//"
backfill = "status"
discovered = "off"
requests_per_cycle = 100000
)",
                                     "history.toml");
  CHECK(config.history.base_url == "http://127.0.0.1:8089/api/int");
  CHECK(config.history.backfill == HistoryConfig::Backfill::status);
  CHECK(config.history.discovered == HistoryConfig::Backfill::off);
  CHECK(config.history.requests_per_cycle == 100000);
  CHECK(parse_config("[history]\ndiscovered = \"full\"\n", "h.toml").history.discovered ==
        HistoryConfig::Backfill::full);
}

TEST_CASE("[web] sets the address serve listens on and the credential of its token", "[core][config]") {
  const Config config = parse_config("[web]\nlisten = \"[::]:0\"\ntoken_credential = \"team_token\"\n", "w.toml");
  CHECK(config.web.listen == "[::]:0");
  CHECK(config.web.token_credential == "team_token");
  CHECK(parse_config("[web]\nlisten = \"0.0.0.0:65535\"\n", "w.toml").web.listen == "0.0.0.0:65535");
  for (const char* bad : {"127.0.0.1", "127.0.0.1:65536", "127.0.0.1:-1", ":8470", "::1:8470", "[nonsense]:80",
                          "127.0.0.1:80x", "host name:80", "[::1]:"})
    CHECK_THROWS_WITH(parse_config(std::string("[web]\nlisten = \"") + bad + "\"\n", "w.toml"),
                      Catch::Contains("w.toml:2: web.listen must be HOST:PORT or [IPv6]:PORT with a port from 0 to "
                                      "65535"));
  CHECK_THROWS_WITH(parse_config("[web]\nlisten = 8470\n", "w.toml"), Catch::Contains("web.listen must be a string"));
  for (const char* bad : {"", "../token", "."})
    CHECK_THROWS_WITH(parse_config(std::string("[web]\ntoken_credential = \"") + bad + "\"\n", "w.toml"),
                      Catch::Contains("w.toml:2: web.token_credential must name a credential"));
  CHECK_THROWS_WITH(parse_config("[web]\nport = 8470\n", "w.toml"), Catch::Contains("unknown key 'web.port'"));
  CHECK_THROWS_WITH(parse_config("web = 1\n", "w.toml"), Catch::Contains("[web] must be a table"));
}

TEST_CASE("the documented example configuration is read in full", "[core][config]") {
  const Config config = parse_config(R"(
[api]
base_url = "https://clinicaltrials.gov/api/v2/"
requests_per_second = 1.0          # polite by default
[sync]
check_interval = "30m"
full_reconcile = "7d"
track = ["NCT06613490", " nct07315503"]
[[search]]
name = "car-cell-therapy-autoimmune"
cond = "rheumatoid arthritis OR antisynthetase syndrome OR myositis OR lupus"
intr = "CAR-T OR CAR-NK OR chimeric antigen receptor"
[related]
mode = "suggest"
[[notify]]
name = "lab"
type = "webhook"
url_credential = "lab_webhook"
events = ["results_posted", "status_changed"]
)",
                                     "example.toml");
  CHECK(config.api.base_url == "https://clinicaltrials.gov/api/v2");
  REQUIRE(config.sync.track.size() == 2);
  CHECK(config.sync.track[1].str() == "NCT07315503");
  REQUIRE(config.searches.size() == 1);
  CHECK(config.searches[0].intr == "CAR-T OR CAR-NK OR chimeric antigen receptor");
  CHECK(config.searches[0].max_matches == 1000);
  REQUIRE(config.notify.size() == 1);
  CHECK(config.notify[0].type == trialwatch::core::NotifyConfig::Type::webhook);
  CHECK(config.notify[0].events == std::vector<std::string>{"results_posted", "status_changed"});
}

TEST_CASE("configuration errors name the file and line and say what is wrong", "[core][config]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"[sync]\ntrack = [\"NCT0661349X\"]\n", "bad.toml:2: sync.track: 'NCT0661349X' is not an NCT number"},
      {"[api]\nbase_url = \"x\"\n", "bad.toml:2: api.base_url must be an http:// or https:// URL"},
      {"[api]\nrequests_per_second = 500\n", "bad.toml:2: api.requests_per_second must be between"},
      {"[api]\nmax_attempts = 0\n", "bad.toml:2: api.max_attempts must be between 1 and 10"},
      {"[api]\nstall_timeout = \"0s\"\n", "bad.toml:2: api.stall_timeout must be a duration"},
      {"[api]\nmax_response_mib = 0\n", "bad.toml:2: api.max_response_mib must be between 1 and 1024"},
      {"[sync]\ncheck_interval = \"soon\"\n", "bad.toml:2: sync.check_interval must be a duration"},
      {"\n[sync]\nchek_interval = \"30m\"\n", "bad.toml:3: unknown key 'sync.chek_interval'"},
      {"colour = 1\n", "bad.toml:1: unknown key 'colour'"},
      {"[sync\n", "bad.toml:1: "},
      {"[related]\nmode = \"always\"\n", "bad.toml:2: related.mode must be"},
      {"[history]\nbase_url = \"clinicaltrials.gov/api/int\"\n",
       "bad.toml:2: history.base_url must be an http:// or https:// URL"},
      {"[history]\n\nbackfill = \"all\"\n", "bad.toml:3: history.backfill must be \"full\", \"status\" or \"off\""},
      {"[history]\ndiscovered = true\n", "bad.toml:2: history.discovered must be a string"},
      {"[history]\ndiscovered = \"\"\n", "bad.toml:2: history.discovered must be \"full\", \"status\" or \"off\""},
      {"[history]\nrequests_per_cycle = 0\n", "bad.toml:2: history.requests_per_cycle must be between 1 and 100000"},
      {"[history]\nrequests_per_cycle = 100001\n",
       "bad.toml:2: history.requests_per_cycle must be between 1 and 100000"},
      {"[history]\nbackfil = \"full\"\n", "bad.toml:2: unknown key 'history.backfil'"},
      {"history = \"full\"\n", "bad.toml:1: [history] must be a table"},
      {"[[notify]]\nname = \"x\"\ntype = \"pigeon\"\n", "bad.toml:3: notify.type must be one of"},
      {"[[notify]]\nname = \"x\"\ntype = \"ntfy\"\nurl_credential = \"t\"\nevents = [\"results_published\"]\n",
       "bad.toml:5: notify.events: unknown event type 'results_published'"},
      {"[[notify]]\nname = \"x\"\ntype = \"ntfy\"\n", "bad.toml:1: notify 'x': a ntfy channel needs url_credential"},
      {"[[notify]]\nname = \"x\"\ntype = \"exec\"\n", "bad.toml:1: notify 'x': an exec channel needs command"},
      {"[[notify]]\nname = \"x\"\ntype = \"exec\"\ncommand = [\"notify-send\"]\n",
       "bad.toml:4: notify.command must start with an absolute path"},
      {"[[notify]]\nname = \"x\"\ntype = \"exec\"\ncommand = [\"/bin/true\"]\nstudies = [\"NCT1X\"]\n",
       "bad.toml:5: notify.studies: 'NCT1X' is not an NCT number"},
      {"[[search]]\nname = \"a\"\n", "bad.toml:1: search 'a' needs at least one of"},
      {"[[search]]\nname = \"a\"\nterm = \"NCT06613490 OR nct7315503\"\n",
       "bad.toml:3: search.term of 'a' holds only NCT IDs, and the registry then ignores every other filter"},
      {"[[notify]]\nname = \"x\"\ntype = \"exec\"\ncommand = [\"/bin/true\"]\ndigest = \"weekly\"\n",
       "bad.toml:5: notify.digest must be \"off\" or \"daily\""},
      {"[[notify]]\nname = \"x\"\ntype = \"exec\"\ncommand = [\"/bin/true\"]\nquiet_hours = \"22-7\"\n",
       "bad.toml:5: notify.quiet_hours must look like \"22:00-07:00\""},
      {"[[notify]]\nname = \"x\"\ntype = \"exec\"\ncommand = [\"/bin/true\"]\ndigest_hour = 24\n",
       "bad.toml:5: notify.digest_hour must be between 0 and 23"},
  }));
  INFO(text);
  CHECK_THROWS_WITH(parse_config(text, "bad.toml"), Catch::StartsWith(message));
}

TEST_CASE("durations accept s, m, h, d, w and combinations", "[core][config]") {
  CHECK(parse_duration("30m") == 30min);
  CHECK(parse_duration("7d") == 168h);
  CHECK(parse_duration("1h30m") == 90min);
  CHECK(parse_duration("2w") == 336h);
  CHECK(parse_duration("5200w").has_value());  // about a hundred years, the longest
  // Longer than a time point can be moved by: refused, not overflowed.
  for (const char* bad : {"", "30", "m", "0s", "10x", "1.5h", "-5m", "107000d", "36500000h", "100000000w"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("a configuration file that cannot be read is a ConfigError naming it", "[core][config]") {
  CHECK_THROWS_AS(trialwatch::core::load_config_file("/nonexistent/trialwatch.toml"), ConfigError);
}

TEST_CASE("the shipped example configuration is valid and holds the example search", "[core][config]") {
  const auto config = trialwatch::core::load_config_file(trialwatch::testing::test_data_dir() / ".." / ".." /
                                                         "examples" / "trialwatch.toml");
  REQUIRE(config.searches.size() == 1);
  CHECK(config.searches[0].name == "car-cell-therapy-autoimmune");
  CHECK(config.searches[0].intr == "CAR-T OR CAR-NK OR chimeric antigen receptor");
  CHECK(config.related.mode == RelatedConfig::Mode::suggest);
  CHECK(config.sync.track.size() == 1);
}

TEST_CASE("the history is read beside the API unless [history] base_url says otherwise", "[core][config]") {
  Config config;
  config.api.base_url = "http://127.0.0.1:8089/api/v2/";
  CHECK(history_base_url(config) == "http://127.0.0.1:8089/api/int");
  config.api.base_url = "https://mirror.example.org/ctgov";
  CHECK(history_base_url(config) == "https://clinicaltrials.gov/api/int");
  config.history.base_url = "https://history.example.org/api/int";
  CHECK(history_base_url(config) == "https://history.example.org/api/int");
}
