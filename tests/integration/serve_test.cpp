// SPDX-License-Identifier: MIT
// The real `trialwatch serve` as a child process: the listen address, the token rule, the exit codes and the
// stop signals, seen through cpp-httplib's client.

#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <regex>

using namespace std::chrono_literals;
using trialwatch::testing::ChildProcess;
using trialwatch::testing::isolated_env;
using trialwatch::testing::run_process;

namespace {

const std::string k_token = "tw-test-token-5b1f0c9e7a";

// A database with one tracked study, a configuration file and a credentials folder, in a temporary folder.
struct ServeFixture {
  ServeFixture() {
    std::filesystem::create_directories(credentials());
    configure("");
    REQUIRE(run_process({TRIALWATCH_CLI_PATH, "--db", db(), "track", "NCT06613490"}, env()).exit_code == 0);
  }

  std::string db() const { return (dir.path() / "trialwatch.db").string(); }
  std::filesystem::path credentials() const { return dir.path() / "credentials"; }

  // Write `text` as the configuration file serve reads.
  void configure(const std::string& text) const { std::ofstream(dir.path() / "trialwatch.toml") << text; }

  // Store the access token as credential `name`, readable by its owner only.
  void add_token(const std::string& name = "web_token") const {
    const auto file = credentials() / name;
    std::ofstream(file) << k_token << "\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }

  // The environment serve runs in: no database or configuration from the caller, credentials from the fixture.
  std::map<std::string, std::string> env() const {
    return isolated_env(
        {{"CREDENTIALS_DIRECTORY", credentials().string()}, {"TRIALWATCH_NOW", "2030-01-01T00:00:00Z"}});
  }

  // The command line of `trialwatch serve` with `args` on this fixture's files.
  std::vector<std::string> serve(const std::vector<std::string>& args, const std::string& db_path = "") const {
    std::vector<std::string> argv{TRIALWATCH_CLI_PATH,
                                  "--db",
                                  db_path.empty() ? db() : db_path,
                                  "--config",
                                  (dir.path() / "trialwatch.toml").string(),
                                  "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  trialwatch::testing::TempDir dir;
};

// A running `trialwatch serve` and the port it printed it listens on.
struct Server {
  Server(const ServeFixture& f, const std::vector<std::string>& args) : child(f.serve(args), f.env()) {
    while (!child.wait_for_output("(read-only; Ctrl-C stops)\n", 100ms)) {
      const auto exited = child.wait_for_exit(0ms);
      if (exited) FAIL("serve exited " << *exited << " before serving: " << child.output());
    }
    std::smatch match;
    const std::string output = child.output();
    REQUIRE(std::regex_search(output, match,
                              std::regex(R"(serving http://([^ ]+):([0-9]+)/ \(read-only; Ctrl-C stops\))")));
    port = std::stoi(match[2].str());
    REQUIRE(port > 0);
  }

  // A client of the server on loopback.
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5s);
    c.set_read_timeout(10s);
    return c;
  }

  // Return the status of `method` on `path` with `headers`; 0 when there was no answer.
  int status(const std::string& method, const std::string& path, const httplib::Headers& headers = {}) const {
    auto c = client();
    httplib::Request request;
    request.method = method;
    request.path = path;
    request.headers = headers;
    const auto result = c.send(request);
    return result ? result->status : 0;
  }

  ChildProcess child;
  int port = 0;
};

}  // namespace

TEST_CASE("serve listens on the loopback address it is given and prints where", "[integration][serve]") {
  ServeFixture f;
  Server server(f, {"--listen", "127.0.0.1:0"});
  CHECK_THAT(server.child.output(), Catch::StartsWith("serving http://127.0.0.1:"));
  CHECK(server.status("GET", "/") == 200);
  CHECK(server.status("POST", "/") == 405);
  CHECK(server.status("DELETE", "/study/NCT06613490") == 405);
  CHECK(server.status("TRACE", "/") == 405);  // a method httplib routes to no handler still reaches the site
}

TEST_CASE("serve takes the address from [web] listen when --listen is not given", "[integration][serve]") {
  ServeFixture f;
  f.configure("[web]\nlisten = \"127.0.0.1:0\"\n");
  Server server(f, {});
  CHECK(server.status("GET", "/") == 200);
}

TEST_CASE("serve refuses to listen beyond loopback without an access token", "[integration][serve]") {
  ServeFixture f;
  const auto result = run_process(f.serve({"--listen", "0.0.0.0:0"}), f.env());
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output, Catch::Contains("trialwatch: listening on 0.0.0.0:0 (beyond loopback) needs an access "
                                            "token: credential 'web_token' not found"));
  CHECK_THAT(result.output, !Catch::Contains("serving"));
}

TEST_CASE("beyond loopback every request needs the token, as Bearer or as the Basic password", "[integration][serve]") {
  ServeFixture f;
  f.add_token();
  Server server(f, {"--listen", "0.0.0.0:0"});
  CHECK_THAT(server.child.output(), Catch::StartsWith("serving http://0.0.0.0:"));

  auto c = server.client();
  const auto refused = c.Get("/");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(refused->get_header_value("WWW-Authenticate") == "Basic realm=\"trialwatch\"");
  CHECK(refused->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(server.status("GET", "/", {{"Authorization", "Bearer wrong-token"}}) == 401);
  CHECK(server.status("GET", "/", {{"Authorization", "Bearer " + k_token + "x"}}) == 401);
  CHECK(server.status("POST", "/", {}) == 401);  // the token first, whatever the method

  CHECK(server.status("GET", "/", {{"Authorization", "Bearer " + k_token}}) == 200);
  auto basic = server.client();
  basic.set_basic_auth("anyone", k_token);
  const auto allowed = basic.Get("/");
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
  basic.set_basic_auth(k_token, "not-the-token");
  const auto wrong_password = basic.Get("/");
  REQUIRE(wrong_password);
  CHECK(wrong_password->status == 401);

  server.child.send(SIGTERM);
  CHECK(server.child.wait_for_exit(10s) == 0);
  CHECK_THAT(server.child.output(), !Catch::Contains(k_token));
}

TEST_CASE("[web] token_credential asks for the token on loopback too", "[integration][serve]") {
  ServeFixture f;
  f.configure("[web]\ntoken_credential = \"team_token\"\n");
  f.add_token("team_token");
  Server server(f, {"--listen", "127.0.0.1:0"});
  CHECK(server.status("GET", "/") == 401);
  CHECK(server.status("GET", "/", {{"Authorization", "bearer " + k_token}}) == 200);

  f.configure("[web]\ntoken_credential = \"missing_token\"\n");
  const auto missing = run_process(f.serve({"--listen", "127.0.0.1:0"}), f.env());
  CHECK(missing.exit_code == 78);
  CHECK_THAT(missing.output, Catch::Contains("credential 'missing_token' not found"));
}

TEST_CASE("serve says a missing database, a taken port and a malformed address in one sentence",
          "[integration][serve]") {
  ServeFixture f;
  const auto no_db = run_process(f.serve({"--listen", "127.0.0.1:0"}, (f.dir.path() / "none.db").string()), f.env());
  CHECK(no_db.exit_code == 66);
  CHECK_THAT(no_db.output, Catch::Contains("none.db does not exist"));

  Server first(f, {"--listen", "127.0.0.1:0"});
  const auto taken = run_process(f.serve({"--listen", "127.0.0.1:" + std::to_string(first.port)}), f.env());
  CHECK(taken.exit_code == 69);
  CHECK_THAT(taken.output, Catch::StartsWith("trialwatch: cannot listen on 127.0.0.1:" + std::to_string(first.port)));

  const auto malformed = run_process(f.serve({"--listen", "127.0.0.1:99999"}), f.env());
  CHECK(malformed.exit_code == 64);
  CHECK_THAT(malformed.output, Catch::Contains("--listen 127.0.0.1:99999: give HOST:PORT or [IPv6]:PORT"));
}

TEST_CASE("SIGTERM and SIGINT stop serve cleanly with exit 0", "[integration][serve]") {
  ServeFixture f;
  const int signal = GENERATE(SIGTERM, SIGINT);
  Server server(f, {"--listen", "[::1]:0"});
  CHECK_THAT(server.child.output(), Catch::StartsWith("serving http://[::1]:"));
  server.child.send(signal);
  CHECK(server.child.wait_for_exit(10s) == 0);
}
