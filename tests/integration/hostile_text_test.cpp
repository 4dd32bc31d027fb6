// SPDX-License-Identifier: MIT
// Registry text written by an attacker, through the real trialwatchd and trialwatch: every output a person, a
// terminal, a log, a mail reader or a feed reader sees shows it safely (docs/reliability.md).

#include "core/safe_text.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/json.hpp"
#include "tests/integration/daemon_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

namespace fr = trialwatch::fakeregistry;
using namespace std::string_literals;
using trialwatch::testing::DaemonFixture;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::run_process;
using trialwatch::testing::test_data_dir;

namespace {

// A title that tries every trick: retitle the window, clear the screen, forge a log line with a journal priority,
// end a C string, an 8-bit CSI, a Slack mention, HTML, a character XML forbids, a right-to-left override.
const std::string k_title =
    "CAR-NK \x1b]0;pwned\x07\x1b[2J\r\n<3>forged error\0 \xc2\x9b"
    "2J <!channel> "
    "<script>alert(1)</script> \xef\xbf\xbe \xe2\x80\xae"
    "evil"s;
const std::string k_site = "Clinic\x1b[31m\nBcc: victim@example.org";
const std::string k_status = "COMPLETED\x1b]8;;https://evil.example\x07";

// The car-nk-results scenario with NCT06613490 made hostile: its title and a condition from the start, then a
// site and a status on the next registry day.
fr::Scenario hostile_scenario() {
  fr::Scenario scenario = fr::load_scenario(test_data_dir() / "scenarios/car-nk-results");
  scenario.days.resize(1);
  scenario.days[0].edit("NCT06613490", [](fr::Json& s) {
    s.ensure_path("protocolSection.identificationModule").set("briefTitle", fr::Json::string(k_title));
    auto& conditions = s.ensure_path("protocolSection.conditionsModule").ensure_path("conditions");
    conditions.push_back(fr::Json::string("=HYPERLINK(\"http://evil\")\x1b[8m"));
  });
  fr::ScenarioDay day1{"2026-09-02T09:00:04", true, {}};
  day1.edit("NCT06613490", [](fr::Json& s) {
    fr::edits::add_location(s, k_site, "Nanjing", "China");
    fr::edits::set_overall_status(s, k_status);
    fr::edits::bump_last_update(s, "2026-09-01");
  });
  scenario.days.push_back(std::move(day1));
  return scenario;
}

// Say what in `output` a terminal would act on, or "" when nothing: any control character but line feeds, and on
// a pseudo-terminal (`tty`) CR before LF and our own colours (SGR: ESC [ digits m).
std::string unsafe_part(const std::string& output, bool tty) {
  static const std::regex sgr("^\x1b\\[[0-9;]*m");
  if (!trialwatch::core::is_valid_utf8(output)) return "invalid UTF-8";
  for (std::size_t i = 0; i < output.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(output[i]);
    if (c == '\n') continue;
    if (tty && c == '\r' && i + 1 < output.size() && output[i + 1] == '\n') continue;
    if (tty && c == 0x1b && std::regex_search(output.substr(i, 16), sgr)) continue;
    if (c < 0x20 || c == 0x7f) return "byte " + std::to_string(c) + " at " + std::to_string(i);
    if (c == 0xc2 && i + 1 < output.size() && static_cast<unsigned char>(output[i + 1]) < 0xa0)
      return "a C1 control at " + std::to_string(i);
    if (output.compare(i, 3, "\xe2\x80\xae") == 0) return "a bidirectional override at " + std::to_string(i);
  }
  return "";
}

// Run `argv` on a pseudo-terminal (Python's pty module) and return what the terminal received.
ProcessResult on_terminal(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  std::vector<std::string> wrapped{"/usr/bin/python3", "-c",
                                   "import os, pty, sys\n"
                                   "pid, fd = pty.fork()\n"
                                   "if pid == 0:\n"
                                   "    os.execv(sys.argv[1], sys.argv[1:])\n"
                                   "out = b''\n"
                                   "while True:\n"
                                   "    try: chunk = os.read(fd, 65536)\n"
                                   "    except OSError: break\n"
                                   "    if not chunk: break\n"
                                   "    out += chunk\n"
                                   "os.waitpid(pid, 0)\n"
                                   "sys.stdout.buffer.write(out)\n"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return run_process(wrapped, env);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The hostile story recorded by the real daemon, with an exec channel that writes down what it is given.
struct HostileDatabase {
  HostileDatabase() : f(hostile_scenario(), {"NCT06613490", "NCT04280705"}, trialwatch::testing::k_without_discovery) {
    const auto script = f.dir.path() / "receive.sh";
    std::ofstream(script) << "#!/bin/sh\nprintf '%s|%s\\n' \"$TRIALWATCH_TITLE\" \"$TRIALWATCH_SUMMARY\" >> '"
                          << received().string() << "'\n";
    f.write_config({"NCT06613490", "NCT04280705"},
                   trialwatch::testing::k_without_discovery +
                       "[[notify]]\nname = \"lab\"\ntype = \"exec\"\ncommand = [\"/bin/sh\", \"" + script.string() +
                       "\"]\nevents = [\"study_tracked\", \"status_changed\", \"locations_changed\"]\n");
    // The first run's stderr is the journal's, as under systemd.
    trialwatch::testing::ChildProcess first(f.once_argv(), trialwatch::testing::isolated_env(),
                                            trialwatch::testing::ChildProcess::Stderr::journal);
    REQUIRE(first.wait_for_exit(std::chrono::seconds(60)) == 0);
    journal_log = first.output();
    REQUIRE(f.registry.registry.advance_day());
    const auto second = f.run_once();
    INFO(second.output);
    REQUIRE(second.exit_code == 0);
    plain_log = second.output;
  }

  std::filesystem::path received() const { return f.dir.path() / "received.log"; }

  std::vector<std::string> cli_argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {TRIALWATCH_CLI_PATH, "--db", f.db_path()});
    return args;
  }

  ProcessResult cli(std::vector<std::string> args) const {
    return run_process(cli_argv(std::move(args)), trialwatch::testing::isolated_env());
  }

  DaemonFixture f;
  std::string journal_log;
  std::string plain_log;
};

}  // namespace

TEST_CASE("hostile registry text reaches no terminal unescaped, piped or on a pseudo-terminal",
          "[integration][hostile]") {
  const HostileDatabase db;
  const std::vector<std::vector<std::string>> commands{{"list"},
                                                       {"events"},
                                                       {"events", "--since", "3000d"},
                                                       {"history", "NCT06613490"},
                                                       {"show", "NCT06613490"},
                                                       {"show", "NCT06613490", "--version", "1"},
                                                       {"diff", "NCT06613490"},
                                                       {"related"},
                                                       {"status"}};
  for (const auto& command : commands) {
    CAPTURE(command);
    const auto piped = db.cli(command);
    INFO(piped.output);
    REQUIRE(piped.exit_code == 0);
    CHECK(unsafe_part(piped.output, false) == "");
    const auto tty = on_terminal(db.cli_argv(command), trialwatch::testing::isolated_env({{"TERM", "xterm"}}));
    INFO(tty.output);
    REQUIRE(tty.exit_code == 0);
    CHECK(unsafe_part(tty.output, true) == "");
  }
  // The hostile text is shown, escaped, not dropped: people can see what the record says.
  const auto events = db.cli({"events"});
  CHECK_THAT(events.output, Catch::Contains("\\x1b]0;pwned\\x07\\x1b[2J\\r\\n<3>forged error\\x00 \\u009b2J"));
  CHECK_THAT(db.cli({"show", "NCT06613490"}).output, Catch::Contains("\\u202eevil"));
  CHECK_THAT(db.cli({"diff", "NCT06613490"}).output, Catch::Contains("Clinic\\x1b[31m\\nBcc: victim@example.org"));
}

TEST_CASE("hostile registry text cannot forge a log line or a journal priority", "[integration][hostile]") {
  const HostileDatabase db;
  for (const auto* log : {&db.journal_log, &db.plain_log}) {
    CAPTURE(*log);
    CHECK(unsafe_part(*log, false) == "");
    for (const auto& line : lines_of(*log)) CHECK(line.find("<3>forged") != 0);
  }
  // The events were logged, escaped, each on its own line.
  CHECK_THAT(db.journal_log, Catch::Contains("\\x1b]0;pwned\\x07\\x1b[2J\\r\\n<3>forged error"));
  CHECK_THAT(db.plain_log, Catch::Contains("COMPLETED\\x1b]8;;https://evil.example\\x07"));
  for (const auto& line : lines_of(db.journal_log)) {
    CAPTURE(line);
    CHECK(std::regex_search(line, std::regex("^<[3-7]>")));
    CHECK(line.rfind("<3>", 0) != 0);  // nothing in this run was an error
  }
}

TEST_CASE("an exec channel gets hostile text as one line without control characters", "[integration][hostile]") {
  const HostileDatabase db;
  std::ifstream in(db.received(), std::ios::binary);
  const std::string received((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto lines = lines_of(received);
  REQUIRE(lines.size() == 4);  // tracked twice, then the hostile status and site
  CHECK(unsafe_part(received, false) == "");
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
          return line.rfind("CAR-NK \\x1b]0;pwned\\x07\\x1b[2J\\r\\n<3>forged error\\x00", 0) == 0;
        }) == 3);  // the title, escaped, on each of the hostile study's notifications
}

TEST_CASE("CSV, JSON and Atom stay well-formed with hostile text in them", "[integration][hostile]") {
  const HostileDatabase db;
  const auto csv = db.cli({"export", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  const auto csv_path = db.f.dir.path() / "events.csv";
  std::ofstream(csv_path, std::ios::binary) << csv.output;
  const auto checked_csv = run_process({"/usr/bin/python3", "-c",
                                        "import csv, sys\n"
                                        "rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))\n"
                                        "assert all(len(r) == 12 for r in rows), 'a row has another field count'\n"
                                        "assert not any(c[:1] in ('=', '+', '-', '@') for r in rows for c in r)\n"
                                        "print(len(rows) - 1, sum('\\x00' in r[10] for r in rows))\n",
                                        csv_path.string()});
  INFO(checked_csv.output);
  REQUIRE(checked_csv.exit_code == 0);
  const auto events = db.f.events().size();
  CHECK(checked_csv.output == std::to_string(events) + " 1\n");  // the NUL is kept as data, inside its field

  for (const auto& command : std::vector<std::vector<std::string>>{{"list", "--json"},
                                                                   {"events", "--json"},
                                                                   {"history", "NCT06613490", "--json"},
                                                                   {"diff", "NCT06613490", "--json"},
                                                                   {"status", "--json"}}) {
    CAPTURE(command);
    const auto json = db.cli(command);
    REQUIRE(json.exit_code == 0);
    CHECK_NOTHROW(fr::Json::parse(json.output));
    CHECK(json.output.find('\x1b') == std::string::npos);
  }

  const auto feed_path = (db.f.dir.path() / "events.atom").string();
  REQUIRE(db.cli({"feed", "--output", feed_path}).exit_code == 0);
  const auto parsed = run_process({"/usr/bin/python3", "-c",
                                   "import sys, xml.etree.ElementTree as E\n"
                                   "ns = {'a': 'http://www.w3.org/2005/Atom'}\n"
                                   "entries = E.parse(sys.argv[1]).getroot().findall('a:entry', ns)\n"
                                   "titles = [e.find('a:title', ns).text for e in entries]\n"
                                   "print(len(entries), sum('<script>' in t for t in titles))\n",
                                   feed_path});
  INFO(parsed.output);
  REQUIRE(parsed.exit_code == 0);
  CHECK(parsed.output == std::to_string(std::min<std::size_t>(events, 500)) + " 1\n");
}
