// SPDX-License-Identifier: MIT
// The web interface over HTTP against a database the real trialwatchd built from the fake registry: every page and
// API answer, hostile registry text escaped, the error pages, read-only, and the API equal to the CLI's --json.

#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/json.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace fr = trialwatch::fakeregistry;
using namespace std::chrono_literals;
using namespace std::string_literals;
using trialwatch::testing::ChildProcess;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::isolated_env;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;

namespace {

const std::string k_story = "NCT06613490";
const std::string k_now = "2026-09-09T12:00:00Z";
const std::string k_title = "CAR-NK <script>alert(1)</script> \"quoted\" & 'single' \x1b[2J";
const std::string k_condition = "<img src=x onerror=alert(2)>";
const std::string k_site = "Clinic <svg onload=alert(3)>";
const std::string k_eligibility = "Adults</td><script>alert(4)</script>";
const std::string k_status = "COMPLETED\"><script>alert(5)</script>";

// The car-nk-results scenario with hostile text in NCT06613490: a title from the start, and on the next day a
// condition, a site, eligibility criteria and, briefly, a status.
fr::Scenario hostile_story() {
  fr::Scenario scenario = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  scenario.days[0].edit(k_story, [](fr::Json& s) {
    s.ensure_path("protocolSection.identificationModule").set("briefTitle", fr::Json::string(k_title));
  });
  scenario.days[1].edit(k_story, [](fr::Json& s) {
    s.ensure_path("protocolSection.conditionsModule")
        .ensure_path("conditions")
        .push_back(fr::Json::string(k_condition));
    s.ensure_path("protocolSection.eligibilityModule").set("eligibilityCriteria", fr::Json::string(k_eligibility));
    fr::edits::add_location(s, k_site, "Nanjing", "China");
  });
  scenario.days[2].edit(k_story, [](fr::Json& s) { fr::edits::set_overall_status(s, k_status); });
  return scenario;
}

// The whole story recorded by the real daemon, then `trialwatch serve` on it.
struct Served {
  Served() : f(hostile_story(), {k_story, "NCT04280705"}, trialwatch::testing::k_without_discovery) {
    for (std::size_t day = 0;; ++day) {
      const auto run = f.run_once();
      INFO(run.output);
      REQUIRE(run.exit_code == 0);
      if (!f.registry.registry.advance_day()) break;
    }
    server = std::make_unique<ChildProcess>(
        std::vector<std::string>{TRIALWATCH_CLI_PATH, "--db", f.db_path(), "serve", "--listen", "127.0.0.1:0"}, env());
    REQUIRE(server->wait_for_output("serving http://", 20s));
    const std::smatch found = [&] {
      std::smatch m;
      static const std::regex url("serving http://127\\.0\\.0\\.1:([0-9]+)/");
      output = server->output();
      REQUIRE(std::regex_search(output, m, url));
      return m;
    }();
    port = std::stoi(found[1].str());
  }

  std::map<std::string, std::string> env() const { return isolated_env({{"TRIALWATCH_NOW", k_now}}); }

  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    return client.Get(path.c_str());
  }

  // The body of a GET of `path` that must answer `status`.
  std::string body(const std::string& path, int status = 200) const {
    const auto result = get(path);
    INFO(path);
    REQUIRE(result);
    CHECK(result->status == status);
    return result->body;
  }

  // What `trialwatch ARGS --json` prints on the same database at the same time.
  std::string cli_json(std::vector<std::string> args) const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    args.push_back("--json");
    const auto result = run_process(args, env());
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    return result.output;
  }

  DaemonFixture f;
  std::unique_ptr<ChildProcess> server;
  std::string output;
  int port = 0;
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const std::vector<std::string> k_pages{"/",
                                       "/?state=posted&sort=due",
                                       "/study/NCT06613490",
                                       "/study/NCT04280705",
                                       "/study/NCT06613490/diff",
                                       "/study/NCT06613490/diff?from=1&to=3",
                                       "/events",
                                       "/events?type=results_posted&since=30d",
                                       "/events?nct=NCT06613490&limit=2&page=2",
                                       "/due",
                                       "/related",
                                       "/status"};

}  // namespace

TEST_CASE("every page answers with HTML that escapes hostile registry text and runs no script", "[integration][web]") {
  const Served s;
  std::string all_diffs;
  for (const auto& path : k_pages) {
    CAPTURE(path);
    const auto result = s.get(path);
    REQUIRE(result);
    CHECK(result->status == 200);
    CHECK(result->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK_THAT(result->get_header_value("Content-Security-Policy"), Catch::Contains("style-src 'self'"));
    CHECK(result->get_header_value_count("Content-Security-Policy") == 1);  // two would both be enforced
    CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
    const std::string& html = result->body;
    CHECK_THAT(html, Catch::StartsWith("<!doctype html>"));
    // No page of ours has a script, so any "<script" would be registry text unescaped; nor any handler or raw ESC.
    std::string lower = html;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    CHECK(lower.find("<script") == std::string::npos);
    CHECK(lower.find("<img") == std::string::npos);
    CHECK(lower.find("<svg onload") == std::string::npos);
    CHECK(html.find('\x1b') == std::string::npos);
    if (path.find("/diff") != std::string::npos) all_diffs += html;
  }
  // The hostile text is shown, escaped, where a person looks for it: the title on the dashboard and the study page.
  const std::string escaped_title =
      "CAR-NK &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;";
  for (const auto* page : {"/", "/study/NCT06613490"}) {
    CAPTURE(page);
    CHECK_THAT(s.body(page), Catch::Contains(escaped_title));
  }
  // The site and the eligibility criteria appear in the field changes of day 2.
  const auto day2 = s.body("/study/NCT06613490/diff?from=1&to=2");
  CHECK_THAT(day2, Catch::Contains("Clinic &lt;svg onload=alert(3)&gt;"));
  CHECK_THAT(day2, Catch::Contains("Adults&lt;/td&gt;&lt;script&gt;alert(4)&lt;/script&gt;"));
  CHECK_THAT(day2, Catch::Contains("&lt;img src=x onerror=alert(2)&gt;"));
  // The hostile status is a band of the timeline: escaped in its attribute and its text alternative.
  const auto study = s.body("/study/NCT06613490");
  CHECK_THAT(study, Catch::Contains("data-status=\"COMPLETED&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;\""));
  CHECK_THAT(study, Catch::Contains("<svg"));
  CHECK_THAT(study, Catch::Contains("role=\"img\""));
}

TEST_CASE("the study page tells the story: status bands, results and links to each version's changes",
          "[integration][web]") {
  const Served s;
  const auto study = s.body("/study/NCT06613490");
  std::vector<std::string> bands;
  static const std::regex band("<rect[^>]*class=\"band[^\"]*\"[^>]*data-status=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(study.begin(), study.end(), band); it != std::sregex_iterator(); ++it)
    bands.push_back((*it)[1].str());
  CHECK(bands == std::vector<std::string>{"RECRUITING", "ACTIVE_NOT_RECRUITING",
                                          "COMPLETED&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"});
  CHECK_THAT(study, Catch::Contains("mark-results_posted"));
  CHECK_THAT(study, Catch::Contains("results_posted"));
  CHECK_THAT(study, Catch::Contains("href=\"/study/NCT06613490/diff?from=1&amp;to=2\""));
  CHECK_THAT(study, Catch::Contains("https://clinicaltrials.gov/study/NCT06613490"));
}

TEST_CASE("bad paths, bad parameters and other methods answer 404, 400 and 405 pages", "[integration][web]") {
  const Served s;
  const std::vector<std::pair<std::string, int>> cases{{"/no/such/page", 404},
                                                       {"/study/NCT99999999", 404},
                                                       {"/study/NCT0661349", 400},
                                                       {"/study/NCT06613490/nothing", 404},
                                                       {"/study/NCT06613490/diff?from=9&to=10", 400},
                                                       {"/study/NCT06613490/diff?from=x", 400},
                                                       {"/events?since=yesterday-ish", 400},
                                                       {"/events?type=results_psted", 400},
                                                       {"/events?page=0", 400},
                                                       {"/events?page=2147483647", 400},
                                                       {"/events?limit=2147483647", 400},
                                                       {"/events?limit=1000&page=1000000", 200},
                                                       {"/events?since=0001-01-01", 400},
                                                       {"/events?since=1600-01-01T00:00:00Z", 400},
                                                       {"/events?since=107000d", 400},
                                                       {"/api/events?since=9999-12-31", 400},
                                                       {"/?state=bogus", 400},
                                                       {"/?page=-1", 400},
                                                       {"/api/events?limit=x", 400},
                                                       {"/api/studies/NCT99999999/history", 404},
                                                       {"/api/nothing", 404}};
  for (const auto& [path, status] : cases) {
    CAPTURE(path);
    const auto result = s.get(path);
    REQUIRE(result);
    CHECK(result->status == status);
    CHECK_FALSE(result->body.empty());
  }
  CHECK_THAT(s.body("/events?type=results_psted", 400), Catch::Contains("did you mean results_posted?"));
  httplib::Client client("127.0.0.1", s.port);
  for (const auto& result : {client.Post("/", "x=1", "application/x-www-form-urlencoded"), client.Put("/api/events"),
                             client.Delete("/study/NCT06613490"), client.Patch("/status")}) {
    REQUIRE(result);
    CHECK(result->status == 405);
    CHECK(result->get_header_value("Allow") == "GET, HEAD");
  }
  const auto head = client.Head("/");
  REQUIRE(head);
  CHECK(head->status == 200);
  // What httplib answers itself, before any handler, carries the headers too.
  const auto too_long = s.get("/study/" + std::string(10000, 'N'));
  REQUIRE(too_long);
  CHECK(too_long->status == 414);
  CHECK(too_long->get_header_value("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'");
  CHECK(too_long->get_header_value("X-Frame-Options") == "DENY");
  CHECK(s.server->wait_for_exit(0ms) == std::nullopt);  // still serving
}

TEST_CASE("the API answers exactly what the CLI's --json prints for the same query", "[integration][web]") {
  const Served s;
  const std::vector<std::pair<std::string, std::vector<std::string>>> pairs{
      {"/api/studies", {"list"}},
      {"/api/events", {"events"}},
      {"/api/events?type=status_changed,results_posted&nct=NCT06613490&limit=3",
       {"events", "--type", "status_changed,results_posted", "--nct", "NCT06613490", "--limit", "3"}},
      {"/api/events?since=2026-09-03", {"events", "--since", "2026-09-03"}},
      {"/api/studies/NCT06613490/history", {"history", "NCT06613490"}},
      {"/api/related", {"related"}},
      {"/api/due", {"due"}},
      {"/api/due?overdue=1", {"due", "--overdue"}}};
  for (const auto& [path, args] : pairs) {
    CAPTURE(path);
    const auto result = s.get(path);
    REQUIRE(result);
    CHECK(result->status == 200);
    CHECK(result->get_header_value("Content-Type") == "application/json");
    CHECK(result->body == s.cli_json(args));
  }
  // status: the same but for the health sentence, which counts time the two processes saw a moment apart.
  const auto status = s.body("/api/status");
  CHECK_THAT(status, Catch::Contains("\"tracked\":2"));
  CHECK_THAT(status, Catch::Contains("\"database\":"));
  const auto history = s.body("/api/studies/NCT06613490/history");
  CHECK_THAT(history, Catch::Contains("\"type\":\"results_posted\""));
}

TEST_CASE("the Atom feed is the CLI's feed, and serving leaves the database file unchanged", "[integration][web]") {
  const Served s;
  const auto before = file_bytes(s.f.db_path());
  const auto feed = s.get("/feed.atom");
  REQUIRE(feed);
  CHECK(feed->status == 200);
  CHECK_THAT(feed->get_header_value("Content-Type"), Catch::StartsWith("application/atom+xml"));
  const auto cli = run_process({TRIALWATCH_CLI_PATH, "--db", s.f.db_path(), "feed"}, s.env());
  REQUIRE(cli.exit_code == 0);
  // The <updated> of an empty feed is the clock's; with events it is the newest event's, so the two are equal.
  CHECK(feed->body == cli.output);
  for (const auto& path : k_pages) REQUIRE(s.get(path));
  CHECK(file_bytes(s.f.db_path()) == before);
  CHECK(trialwatch::testing::integrity_of(s.f.db_path()) == "ok");
}

TEST_CASE("the dashboard kept between requests shows what the CLI wrote since it was read", "[integration][web]") {
  const Served s;
  // Rows read from files changed in the last second are not kept; make them older so the first `/` keeps its rows.
  const auto hour_ago = std::filesystem::file_time_type::clock::now() - 1h;
  for (const auto* suffix : {"", "-wal"})
    if (std::filesystem::exists(s.f.db_path() + suffix))
      std::filesystem::last_write_time(s.f.db_path() + suffix, hour_ago);
  const auto row = [](const std::string& id) { return "<tr data-nct=\"" + id + "\""; };
  for (int load = 0; load < 2; ++load) {
    const auto before = s.body("/");
    CHECK_THAT(before, !Catch::Contains(row("NCT00000105")));
    CHECK_THAT(before, Catch::Contains(row("NCT04280705")));
  }
  const auto cli = [&](const std::string& command, const std::string& id) {
    const auto result = run_process({TRIALWATCH_CLI_PATH, "--db", s.f.db_path(), command, id}, s.env());
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
  };
  cli("track", "NCT00000105");
  const auto tracked = s.body("/");
  CHECK_THAT(tracked, Catch::Contains(row("NCT00000105")));
  CHECK_THAT(tracked, Catch::Contains("3 of 3 tracked studies"));
  cli("untrack", "NCT04280705");
  const auto untracked = s.body("/");
  CHECK_THAT(untracked, !Catch::Contains(row("NCT04280705")));
  CHECK_THAT(untracked, Catch::Contains(row("NCT00000105")));
}
