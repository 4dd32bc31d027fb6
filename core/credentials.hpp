// SPDX-License-Identifier: MIT
#pragma once

#include "core/paths.hpp"
#include "core/result.hpp"

#include <filesystem>
#include <string>

namespace trialwatch::core {

// Where secrets (webhook URLs, tokens, signing keys) come from: systemd credentials ($CREDENTIALS_DIRECTORY,
// filled by LoadCredential=) or, outside systemd, ${XDG_CONFIG_HOME:-~/.config}/trialwatch/credentials/, whose
// files must be readable by their owner only. A credential's value is never put in a log line or an error.
class Credentials {
 public:
  // Read credentials from `directory`; `owner_only` refuses files that the group or others may read.
  Credentials(std::filesystem::path directory, bool owner_only)
      : m_directory(std::move(directory)), m_owner_only(owner_only) {}

  // Return the credentials of this process: systemd's when $CREDENTIALS_DIRECTORY is set, else the user's folder.
  static Credentials from_environment(const Environment& env);

  // Return the value of credential `name` (one trailing newline removed), or an error sentence saying what to do.
  Result<std::string> read(const std::string& name) const;

 private:
  std::filesystem::path m_directory;
  bool m_owner_only;
};

}  // namespace trialwatch::core
