// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>

namespace trialwatch::testing {

// A fresh directory under $TMPDIR for one test, removed on destruction unless TRIALWATCH_KEEP_TEMP is set
// (then its path is printed, so a failed test's files can be inspected).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Return the directory's path.
  const std::filesystem::path& path() const noexcept { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace trialwatch::testing
