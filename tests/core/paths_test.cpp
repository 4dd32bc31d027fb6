// SPDX-License-Identifier: MIT
#include "core/paths.hpp"

#include <catch2/catch.hpp>

#include <map>

using trialwatch::core::default_config_path;
using trialwatch::core::default_database_path;
using trialwatch::core::Environment;

namespace {

Environment env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("the database path follows TRIALWATCH_DB, then systemd, then XDG, then HOME", "[core][paths]") {
  CHECK(default_database_path(env({{"TRIALWATCH_DB", "/srv/t.db"}, {"STATE_DIRECTORY", "/var/lib/trialwatch"}})) ==
        "/srv/t.db");
  CHECK(default_database_path(env({{"STATE_DIRECTORY", "/var/lib/trialwatch:/var/lib/other"}, {"HOME", "/home/a"}})) ==
        "/var/lib/trialwatch/trialwatch.db");
  CHECK(default_database_path(env({{"XDG_STATE_HOME", "/home/a/state"}, {"HOME", "/home/a"}})) ==
        "/home/a/state/trialwatch/trialwatch.db");
  CHECK(default_database_path(env({{"HOME", "/home/a"}})) == "/home/a/.local/state/trialwatch/trialwatch.db");
  // An empty variable counts as unset, as shells and systemd users expect.
  CHECK(default_database_path(env({{"TRIALWATCH_DB", ""}, {"XDG_STATE_HOME", ""}, {"HOME", "/home/a"}})) ==
        "/home/a/.local/state/trialwatch/trialwatch.db");
}

TEST_CASE("the configuration path is /etc for the service, XDG otherwise", "[core][paths]") {
  CHECK(default_config_path(env({{"TRIALWATCH_CONFIG", "/tmp/x.toml"}}), true) == "/tmp/x.toml");
  CHECK(default_config_path(env({{"STATE_DIRECTORY", "/var/lib/trialwatch"}}), false) ==
        "/etc/trialwatch/trialwatch.toml");
  CHECK(default_config_path(env({{"HOME", "/root"}}), true) == "/etc/trialwatch/trialwatch.toml");
  CHECK(default_config_path(env({{"XDG_CONFIG_HOME", "/home/a/cfg"}, {"HOME", "/home/a"}}), false) ==
        "/home/a/cfg/trialwatch/trialwatch.toml");
  CHECK(default_config_path(env({{"HOME", "/home/a"}}), false) == "/home/a/.config/trialwatch/trialwatch.toml");
}
