// SPDX-License-Identifier: MIT
// Security checks (issue #9) on the real trialwatchd: secrets never reach its logs, even when every channel fails;
// the files it creates get the modes docs/operations.md promises under the service's UMask; and nothing in the
// configuration turns TLS verification off or lets plain http reach a host off this machine. (The unit's systemd
// exposure score has its own test: tests/CMakeLists.txt.)

#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/ports.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::test_data_dir;

namespace {

using trialwatch::testing::k_without_discovery;
using trialwatch::testing::read_file;

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777u;
}

}  // namespace

TEST_CASE("no configured secret appears in the logs of a run whose every channel fails", "[integration][security]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  trialwatch::testing::LoopbackServer failing;  // answers every webhook with 500 and echoes nothing back
  failing.routes().Post(".*", [](const httplib::Request&, httplib::Response& response) {
    response.status = 500;
    response.set_content("internal error", "text/plain");
  });
  const int port = failing.start();
  const int closed = trialwatch::testing::free_port();
  const std::map<std::string, std::string> secrets{
      {"hook_url", "http://127.0.0.1:" + std::to_string(port) + "/hooks/T0SECRETPATH9f3a"},
      {"hook_secret", "whsec_S3cr3tSigningKeyDoNotLog0000"},
      {"ntfy_url", "http://127.0.0.1:" + std::to_string(closed) + "/topic-SECRETTOPIC77"},
      {"ntfy_token", "tk_SECRETTOKEN0123456789abcdef"},
      {"smtp_url", "smtp://mailer:P4ssw0rdNeverLogged@127.0.0.1:" + std::to_string(closed)},
  };
  const auto credentials = f.dir.path() / "credentials";
  std::filesystem::create_directories(credentials);
  for (const auto& [name, value] : secrets) std::ofstream(credentials / name) << value << "\n";
  const auto event_log = f.dir.path() / "events.jsonl";
  f.write_config({"NCT06613490"},
                 k_without_discovery + "[log]\nlevel = \"debug\"\nevent_file = \"" + event_log.string() +
                     "\"\n"
                     "[[notify]]\nname = \"hook\"\ntype = \"webhook\"\nurl_credential = \"hook_url\"\n"
                     "secret_credential = \"hook_secret\"\nevents = [\"status_changed\"]\n"
                     "[[notify]]\nname = \"phone\"\ntype = \"ntfy\"\nurl_credential = \"ntfy_url\"\n"
                     "token_credential = \"ntfy_token\"\nevents = [\"status_changed\"]\n"
                     "[[notify]]\nname = \"mail\"\ntype = \"smtp\"\nurl_credential = \"smtp_url\"\n"
                     "from = \"trialwatch@example.org\"\nto = [\"lab@example.org\"]\nevents = [\"status_changed\"]\n");
  std::string logs;
  for (int day = 0; day < 3; ++day) {  // the baseline, then two status changes: every channel tries and fails
    if (day > 0) REQUIRE(f.registry.registry.advance_day());
    const auto result = f.run_once({}, {{"CREDENTIALS_DIRECTORY", credentials.string()}});
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    logs += result.output;
  }
  logs += read_file(event_log);
  // The failures were logged, naming the channels ...
  CHECK_THAT(logs, Catch::Contains("hook") && Catch::Contains("phone") && Catch::Contains("mail"));
  CHECK_THAT(logs, Catch::Contains("500"));
  // ... and no secret, nor its tell-tale part, appears anywhere.
  for (const auto& needle : {"T0SECRETPATH9f3a", "S3cr3tSigningKey", "SECRETTOPIC77", "SECRETTOKEN0123456789",
                             "P4ssw0rdNeverLogged", "mailer:"}) {
    INFO(needle);
    CHECK_THAT(logs, !Catch::Contains(needle));
  }
}

TEST_CASE("under the service's UMask the database and the event log are 0640", "[integration][security]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  const auto event_log = f.dir.path() / "events.jsonl";
  f.write_config({"NCT06613490"}, k_without_discovery + "[log]\nevent_file = \"" + event_log.string() + "\"\n");
  auto argv = f.once_argv();
  argv.insert(argv.begin(), {"/bin/sh", "-c", "umask 0027 && exec \"$0\" \"$@\""});
  const auto result = trialwatch::testing::run_process(argv, trialwatch::testing::isolated_env());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(mode_of(f.db_path()) == 0640u);
  for (const auto* suffix : {"-wal", "-shm"})  // SQLite gives them the database's mode; they may be gone after close
    if (std::filesystem::exists(f.db_path() + suffix)) CHECK(mode_of(f.db_path() + suffix) == 0640u);
  CHECK(mode_of(event_log) == 0640u);
  CHECK_THAT(read_file(test_data_dir() / ".." / ".." / "systemd" / "trialwatchd.service.in"),
             Catch::Contains("UMask=0027") && Catch::Contains("StateDirectoryMode=0750"));
}

TEST_CASE("no configuration turns TLS verification off or sends plain http off this machine",
          "[integration][security]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  SECTION("a key that would switch verification off is refused (exit 78)") {
    for (const auto* key : {"verify_tls = false", "insecure = true", "ssl_verify_peer = false", "ca_file = \"/x\""}) {
      INFO(key);
      f.write_config({"NCT06613490"}, key);
      const auto result = f.run_once();
      CHECK(result.exit_code == 78);
      CHECK_THAT(result.output, Catch::Contains("unknown key"));
    }
  }
  SECTION("plain http to a host that is not loopback is refused before any connection") {
    const auto result = trialwatch::testing::run_process(f.once_argv("http://clinicaltrials.gov/api/v2"),
                                                         trialwatch::testing::isolated_env());
    CHECK(result.exit_code != 0);
    CHECK_THAT(result.output, Catch::Contains("https"));
  }
}
