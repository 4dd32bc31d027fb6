// SPDX-License-Identifier: MIT
#include "core/credentials.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace trialwatch::core {

Credentials Credentials::from_environment(const Environment& env) {
  if (const auto directory = env("CREDENTIALS_DIRECTORY"); directory && !directory->empty())
    return Credentials(*directory, false);  // systemd made it private to the service
  std::filesystem::path base;
  if (const auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty())
    base = *xdg;
  else
    base = std::filesystem::path(env("HOME").value_or("/")) / ".config";
  return Credentials(base / "trialwatch" / "credentials", true);
}

Result<std::string> Credentials::read(const std::string& name) const {
  const auto invalid = [](std::string message) { return Error{Error::Code::invalid_input, std::move(message)}; };
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return invalid(fmt::format("credential name '{}' must be a plain file name", name));
  const auto path = m_directory / name;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return invalid(
        fmt::format("credential '{}' not found at {}; add LoadCredential={}:FILE to the unit, or create "
                    "the file (mode 0600)",
                    name, path.string(), name));
  if (m_owner_only && (info.st_mode & 077) != 0)
    return invalid(fmt::format("credential file {} may be read by others (mode {:o}); chmod 600 it", path.string(),
                               info.st_mode & 0777));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return invalid(fmt::format("cannot read credential file {}", path.string()));
  std::string value = text.str();
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  if (value.empty()) return invalid(fmt::format("credential file {} is empty", path.string()));
  return value;
}

}  // namespace trialwatch::core
