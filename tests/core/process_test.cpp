// SPDX-License-Identifier: MIT
#include "core/process.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

using namespace trialwatch;

namespace {

core::ExitStatus run(core::SpawnSpec spec) {
  const auto pid = core::spawn(spec);
  REQUIRE(pid);
  const auto ended = core::wait_for_exit(*pid);
  REQUIRE(ended);
  return *ended;
}

}  // namespace

TEST_CASE("a child's exit status and the signal that ended it are told apart", "[core][process]") {
  const auto exited = run({{"/bin/sh", "-c", "exit 3"}, std::nullopt});
  CHECK(exited.code == 3);
  CHECK(exited.signal == 0);
  CHECK(exited.shell_code() == 3);
  const auto killed = run({{"/bin/sh", "-c", "kill -TERM $$"}, std::nullopt});
  CHECK(killed.signal == SIGTERM);
  CHECK(killed.shell_code() == 128 + SIGTERM);
}

TEST_CASE("a child gets the environment and the streams it is given", "[core][process]") {
  testing::TempDir dir;
  const auto out_path = dir.path() / "out";
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(out >= 0);
  core::SpawnSpec spec{{"/bin/sh", "-c", "echo \"$ONLY_THIS|$HOME\"; cat"}, std::vector<std::string>{"ONLY_THIS=yes"}};
  spec.stdin_fd = core::SpawnSpec::k_dev_null;
  spec.stdout_fd = out;
  CHECK(run(spec).code == 0);
  ::close(out);
  std::ifstream in(out_path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "yes|\n");  // only what was given, and stdin was empty

  const auto merged = core::environment_with({"HOME=/nowhere", "EXTRA=1"});
  CHECK(std::count(merged.begin(), merged.end(), "HOME=/nowhere") == 1);
  CHECK(std::count_if(merged.begin(), merged.end(), [](const std::string& e) { return e.rfind("HOME=", 0) == 0; }) ==
        1);
  CHECK(std::count(merged.begin(), merged.end(), "EXTRA=1") == 1);
}

TEST_CASE("a program that cannot run and a process that is not our child are errors, not hangs", "[core][process]") {
  const auto missing = core::spawn({{"/nonexistent/program"}, std::nullopt});
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::StartsWith("cannot run /nonexistent/program: "));
  const auto not_ours = core::wait_for_exit(1);  // init is nobody's child here
  REQUIRE_FALSE(not_ours);
  CHECK_THAT(not_ours.error().message, Catch::Contains("cannot wait for process 1"));
  const auto polled = core::poll_exit(1);
  CHECK_FALSE(polled);
}

TEST_CASE("poll_exit says a running child is running, then how it ended", "[core][process]") {
  int to_child[2];
  REQUIRE(::pipe2(to_child, O_CLOEXEC) == 0);
  core::SpawnSpec spec{{"/bin/sh", "-c", "read line; exit 7"}, std::nullopt};
  spec.stdin_fd = to_child[0];
  const auto pid = core::spawn(spec);
  REQUIRE(pid);
  ::close(to_child[0]);
  const auto running = core::poll_exit(*pid);
  REQUIRE(running);
  CHECK_FALSE(running->has_value());
  REQUIRE(::write(to_child[1], "go\n", 3) == 3);
  ::close(to_child[1]);
  const auto ended = core::wait_for_exit(*pid);
  REQUIRE(ended);
  CHECK(ended->code == 7);
}
