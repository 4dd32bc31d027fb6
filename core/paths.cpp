// SPDX-License-Identifier: MIT
#include "core/paths.hpp"

#include <cstdlib>

namespace trialwatch::core {

namespace {

std::filesystem::path home(const Environment& env) {
  const auto value = env("HOME");
  return value && !value->empty() ? std::filesystem::path(*value) : std::filesystem::path("/");
}

std::optional<std::string> non_empty(const Environment& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::filesystem::path default_database_path(const Environment& env) {
  if (const auto explicit_path = non_empty(env, "TRIALWATCH_DB")) return *explicit_path;
  if (const auto state = non_empty(env, "STATE_DIRECTORY")) {
    // systemd may pass several directories separated by ':'; ours is the first.
    return std::filesystem::path(state->substr(0, state->find(':'))) / "trialwatch.db";
  }
  const auto xdg = non_empty(env, "XDG_STATE_HOME");
  const std::filesystem::path base = xdg ? std::filesystem::path(*xdg) : home(env) / ".local" / "state";
  return base / "trialwatch" / "trialwatch.db";
}

std::filesystem::path default_config_path(const Environment& env, bool is_root) {
  if (const auto explicit_path = non_empty(env, "TRIALWATCH_CONFIG")) return *explicit_path;
  if (non_empty(env, "STATE_DIRECTORY") || is_root) return "/etc/trialwatch/trialwatch.toml";
  const auto xdg = non_empty(env, "XDG_CONFIG_HOME");
  const std::filesystem::path base = xdg ? std::filesystem::path(*xdg) : home(env) / ".config";
  return base / "trialwatch" / "trialwatch.toml";
}

}  // namespace trialwatch::core
