// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace trialwatch::core {

// Reads an environment variable; injectable so path rules are testable.
using Environment = std::function<std::optional<std::string>(const char* name)>;

// The process environment.
std::optional<std::string> process_environment(const char* name);

// Where the database lives when --db is not given (trialwatch(1)): $TRIALWATCH_DB, else
// $STATE_DIRECTORY/trialwatch.db under systemd, else ${XDG_STATE_HOME:-~/.local/state}/trialwatch/trialwatch.db.
std::filesystem::path default_database_path(const Environment& env);

// Where the configuration lives when --config is not given: $TRIALWATCH_CONFIG, else
// /etc/trialwatch/trialwatch.toml for the system service ($STATE_DIRECTORY set by systemd, or running as root),
// else ${XDG_CONFIG_HOME:-~/.config}/trialwatch/trialwatch.toml.
std::filesystem::path default_config_path(const Environment& env, bool is_root);

}  // namespace trialwatch::core
