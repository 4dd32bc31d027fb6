// SPDX-License-Identifier: MIT
// The first ten minutes (issue 21): the shipped example's phone channel, followed step by step; `notify test`
// naming the file it read and the channels there are; `untrack` of a study the configuration tracks.

#include "core/config/config.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/ports.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace fr = trialwatch::fakeregistry;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::read_file;
using trialwatch::testing::run_process;
using trialwatch::testing::TempDir;
using trialwatch::testing::test_data_dir;

namespace {

// What `trialwatch` left behind, its two outputs apart.
struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Run the real `trialwatch` with `args` and `env` (no configuration or database path inherited); stderr is
// captured apart from stdout in a file of `dir`.
CliResult run_cli(const TempDir& dir, const std::vector<std::string>& args,
                  std::map<std::string, std::string> env = {}) {
  const auto err = dir.path() / "stderr.txt";
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$@\" 2>\"$TW_TEST_STDERR\"", "sh", TRIALWATCH_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  env.emplace("TW_TEST_STDERR", err.string());
  env.emplace("NO_COLOR", "1");
  const auto result = run_process(argv, trialwatch::testing::isolated_env(env));
  return {result.exit_code, result.output, read_file(err)};
}

// The shipped example configuration.
std::string example_config() { return read_file(test_data_dir() / ".." / ".." / "examples" / "trialwatch.toml"); }

// `text` with its commented-out settings switched on, as the example tells a reader to do: a '#' directly
// followed by a setting ("#name = ...") is removed; prose ("# ...") stays a comment.
std::string uncommented(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);)
    out += (line.size() > 1 && line[0] == '#' && line[1] != ' ' && line[1] != '#' ? line.substr(1) : line) + "\n";
  return out;
}

// The first line of the example that mentions `marker`, without its comment sign and indentation.
std::string command_in_example(const std::string& marker) {
  std::istringstream in(example_config());
  for (std::string line; std::getline(in, line);)
    if (line.find(marker) != std::string::npos) return line.substr(line.find_first_not_of("# "));
  FAIL("the example has no line with " << marker);
  return {};
}

// Write `text` to `path`, creating its folder.
void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("the example configuration parses as shipped and with its ntfy phone channel switched on",
          "[integration][first-steps]") {
  const auto as_shipped = trialwatch::core::parse_config(example_config(), "trialwatch.toml");
  CHECK(as_shipped.notify.empty());  // commented out: nothing is sent until the reader sets up a topic

  const auto switched_on = trialwatch::core::parse_config(uncommented(example_config()), "trialwatch.toml");
  REQUIRE(switched_on.notify.size() == 1);
  const auto& phone = switched_on.notify.front();
  CHECK(phone.name == "phone");
  CHECK(phone.type == trialwatch::core::NotifyConfig::Type::ntfy);
  CHECK(phone.url_credential == "ntfy_topic");
  CHECK(phone.events == std::vector<std::string>{"results_posted", "status_changed"});
  CHECK(switched_on.searches.size() == as_shipped.searches.size());  // only the channel was switched on
  CHECK(switched_on.sync.track == as_shipped.sync.track);

  // The systemd form names the same credential the channel reads.
  CHECK_THAT(command_in_example("LoadCredential="), Catch::StartsWith("LoadCredential=ntfy_topic:/etc/credstore/"));
}

TEST_CASE("the man pages point to no uninstalled document and trialwatch.toml(5) has every notify key",
          "[integration][first-steps]") {
  const auto source = test_data_dir() / ".." / "..";
  for (const auto& page : std::filesystem::directory_iterator(source / "docs" / "man")) {
    if (page.path().extension() != ".scd") continue;
    INFO(page.path().filename().string());
    CHECK_FALSE(std::regex_search(read_file(page.path()), std::regex(R"(docs/|\.md\b)")));  // not installed
  }
  const std::string page = read_file(source / "docs" / "man" / "trialwatch.toml.5.scd");
  const auto from = page.find("# [[notify]]");
  REQUIRE(from != std::string::npos);
  const std::string notify = page.substr(from, page.find("\n# ", from + 1) - from);
  // Every key the parser reads in a [[notify]] table, taken from the parser itself.
  const std::string parser = read_file(source / "core" / "config" / "config.cpp");
  const auto body_at = parser.find("NotifyConfig read_notify(");
  REQUIRE(body_at != std::string::npos);
  const std::string body = parser.substr(body_at, parser.find("\n}\n", body_at) - body_at);
  const std::regex key(R"re(reader\.read(?:_strings|_duration)?\("([a-z_]+)")re");
  int keys = 0;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), key); it != std::sregex_iterator(); ++it, ++keys) {
    INFO((*it)[1].str());
    CHECK_THAT(notify, Catch::Contains("*" + (*it)[1].str() + "* ="));
  }
  CHECK(keys >= 15);
  // Where secrets live, for both ways trialwatchd runs, and what is sent when nothing is said.
  CHECK_THAT(notify, Catch::Contains("$CREDENTIALS_DIRECTORY") && Catch::Contains("LoadCredential=") &&
                         Catch::Contains("~/.config}/trialwatch/credentials/NAME") &&
                         Catch::Contains("*events* = _[\"results_posted\"]_"));
}

TEST_CASE("following the example's ntfy steps, notify test reaches the phone with a real title",
          "[integration][first-steps]") {
  trialwatch::testing::PostRecorder ntfy;
  const TempDir home;
  // The example's own credential command, run as written with the topic URL replaced by the local server's.
  std::string step = command_in_example("mkdir -p ~/.config/trialwatch/credentials");
  const std::string placeholder = "https://ntfy.sh/YOUR-SECRET-TOPIC";
  REQUIRE(step.find(placeholder) != std::string::npos);
  step.replace(step.find(placeholder), placeholder.size(), ntfy.url("/tw-secret-topic"));
  const std::map<std::string, std::string> env{
      {"HOME", home.path().string()}, {"XDG_CONFIG_HOME", ""}, {"CREDENTIALS_DIRECTORY", ""}};
  REQUIRE(run_process({"/bin/sh", "-c", step}, env).exit_code == 0);
  const auto config = home.path() / ".config/trialwatch/trialwatch.toml";
  write(config, uncommented(example_config()));

  // Named by $TRIALWATCH_CONFIG: the default path is /etc/trialwatch/trialwatch.toml when the tests run as root.
  auto with_config = env;
  with_config.emplace("TRIALWATCH_CONFIG", config.string());
  const auto sent = run_cli(home, {"--db", (home.path() / "tw.db").string(), "notify", "test", "phone"}, with_config);
  INFO(sent.out << sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK_THAT(sent.out, Catch::StartsWith("read " + config.string() + "\n") &&
                           Catch::Contains("test notification sent through 'phone'"));
  const auto requests = ntfy.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/tw-secret-topic");
  CHECK(requests[0].get_header_value("Title") == "trialwatch test: notifications from phone work");
  CHECK_THAT(requests[0].body, Catch::StartsWith("This is a test from trialwatch: channel 'phone' works."));
}

TEST_CASE("notify test gives Slack, e-mail and exec channels a real title", "[integration][first-steps]") {
  trialwatch::testing::PostRecorder slack;
  const TempDir dir;
  const int smtp_port = trialwatch::testing::free_port();
  const auto maildir = dir.path() / "Maildir";
  trialwatch::testing::ChildProcess smtp({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                          "127.0.0.1:" + std::to_string(smtp_port), "-c", "aiosmtpd.handlers.Mailbox",
                                          maildir.string()});
  for (int i = 0; i < 200 && !trialwatch::testing::accepting(smtp_port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  REQUIRE(trialwatch::testing::accepting(smtp_port));
  const auto credentials = dir.path() / "credentials";
  write(credentials / "team_webhook", slack.url("/services/T0/B0/X"));
  write(credentials / "mail_relay", "smtp://127.0.0.1:" + std::to_string(smtp_port));
  const auto titles = dir.path() / "titles.log";
  write(dir.path() / "title.sh", "#!/bin/sh\necho \"$TRIALWATCH_TITLE\" >> '" + titles.string() + "'\n");
  const auto config = dir.path() / "trialwatch.toml";
  write(config,
        "[[notify]]\nname = \"team\"\ntype = \"slack\"\nurl_credential = \"team_webhook\"\n"
        "[[notify]]\nname = \"mail\"\ntype = \"smtp\"\nurl_credential = \"mail_relay\"\n"
        "from = \"tw@example.org\"\nto = [\"lab@example.org\"]\n"
        "[[notify]]\nname = \"script\"\ntype = \"exec\"\ncommand = [\"/bin/sh\", \"" +
            (dir.path() / "title.sh").string() + "\"]\n");
  for (const char* channel : {"team", "mail", "script"}) {
    const auto sent =
        run_cli(dir, {"--db", (dir.path() / "tw.db").string(), "--config", config.string(), "notify", "test", channel},
                {{"CREDENTIALS_DIRECTORY", credentials.string()}});
    INFO(sent.out << sent.err);
    REQUIRE(sent.exit_code == 0);
  }

  const auto posts = slack.requests();
  REQUIRE(posts.size() == 1);
  CHECK_THAT(posts[0].body, Catch::StartsWith(R"({"text":"*trialwatch test: notifications from team work*: )"
                                              R"(This is a test from trialwatch: channel 'team' works.)"));
  const auto subject = run_process({"/usr/bin/python3", "-c",
                                    "import mailbox, sys\n"
                                    "print(*[m['Subject'] for m in mailbox.Maildir(sys.argv[1], create=False)])\n",
                                    maildir.string()});
  CHECK(subject.output == "trialwatch test: notifications from mail work\n");
  CHECK(read_file(titles) == "trialwatch test: notifications from script work\n");
}

TEST_CASE("notify test with an unknown name lists the channels of the file it read", "[integration][first-steps]") {
  const TempDir dir;
  const auto config = dir.path() / "trialwatch.toml";
  const std::string db = (dir.path() / "tw.db").string();
  write(config,
        "[[notify]]\nname = \"phone\"\ntype = \"ntfy\"\nurl_credential = \"ntfy_topic\"\n"
        "[[notify]]\nname = \"lab\"\ntype = \"exec\"\ncommand = [\"/bin/true\"]\n");

  const auto typo = run_cli(dir, {"--db", db, "--config", config.string(), "notify", "test", "phon"});
  CHECK(typo.exit_code == 64);
  CHECK(typo.err == "trialwatch: no channel 'phon' in " + config.string() + "; channels: phone, lab\n");
  CHECK(typo.out.empty());

  // The same file found through $TRIALWATCH_CONFIG, as trialwatchd would find it.
  const auto by_env = run_cli(dir, {"--db", db, "notify", "test", "mail"}, {{"TRIALWATCH_CONFIG", config.string()}});
  CHECK(by_env.exit_code == 64);
  CHECK(by_env.err == "trialwatch: no channel 'mail' in " + config.string() + "; channels: phone, lab\n");
}

TEST_CASE("notify test without any channel says where to add one", "[integration][first-steps]") {
  const TempDir dir;
  const std::string db = (dir.path() / "tw.db").string();
  const auto config = dir.path() / "trialwatch.toml";

  const auto no_file = run_cli(dir, {"--db", db, "notify", "test", "phone"}, {{"TRIALWATCH_CONFIG", config.string()}});
  CHECK(no_file.exit_code == 78);
  CHECK(no_file.err == "trialwatch: no configuration file at " + config.string() +
                           "; create it with a [[notify]] channel (see man trialwatch.toml), or name another with "
                           "--config\n");

  write(config, example_config());  // as shipped: the channel is still commented out
  const auto none = run_cli(dir, {"--db", db, "--config", config.string(), "notify", "test", "phone"});
  CHECK(none.exit_code == 78);
  CHECK(none.err ==
        "trialwatch: no [[notify]] channel in " + config.string() + "; add one there (see man trialwatch.toml)\n");
}

TEST_CASE("untrack of a study that sync.track lists says to remove it there", "[integration][first-steps]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  REQUIRE(f.run_once().exit_code == 0);
  const std::string warning = "trialwatch: NCT06613490 is listed in sync.track in " + f.config_path() +
                              "; remove it there, or it is tracked again at the next start or reload\n";

  const auto untracked = run_cli(f.dir, {"--db", f.db_path(), "--config", f.config_path(), "untrack", "nct06613490"});
  CHECK(untracked.exit_code == 0);  // the watch list changed; the warning says it will not last
  CHECK(untracked.out == "NCT06613490 untracked; its history is kept\n");
  CHECK(untracked.err == warning);

  // The warning is true: the next start tracks it again.
  REQUIRE(f.run_once().exit_code == 0);
  const auto again = run_cli(f.dir, {"--db", f.db_path(), "list", "--json"});
  CHECK_THAT(again.out, Catch::Contains(R"("nct_id":"NCT06613490")"));

  // Found through $TRIALWATCH_CONFIG as the daemon finds it; a study only the CLI tracks gets no warning.
  REQUIRE(run_cli(f.dir, {"--db", f.db_path(), "track", "NCT04280705"}).exit_code == 0);
  const auto by_env = run_cli(f.dir, {"--db", f.db_path(), "untrack", "NCT04280705", "NCT06613490"},
                              {{"TRIALWATCH_CONFIG", f.config_path()}});
  CHECK(by_env.exit_code == 0);
  CHECK(by_env.out == "NCT04280705 untracked; its history is kept\nNCT06613490 untracked; its history is kept\n");
  CHECK(by_env.err == warning);
}

TEST_CASE("untrack still untracks when the configuration file is broken", "[integration][first-steps]") {
  DaemonFixture f(fr::load_scenario(test_data_dir() / "scenarios/car-nk-results"), {"NCT06613490"});
  REQUIRE(f.run_once().exit_code == 0);
  const auto broken = f.dir.path() / "broken.toml";
  write(broken, "[sync]\ntrack = [\"NCT06613490\"\n");  // unterminated: trialwatchd would refuse it too

  const auto untracked = run_cli(f.dir, {"--db", f.db_path(), "--config", broken.string(), "untrack", "NCT06613490"});
  CHECK(untracked.exit_code == 0);
  CHECK(untracked.out == "NCT06613490 untracked; its history is kept\n");
  CHECK_THAT(untracked.err, Catch::StartsWith("trialwatch: " + broken.string() + ":") &&
                                Catch::EndsWith("; cannot tell whether its sync.track lists these studies\n"));
}
