// SPDX-License-Identifier: MIT
#include "tests/support/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

namespace trialwatch::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "trialwatch-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory");
  m_path = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("TRIALWATCH_KEEP_TEMP") != nullptr) {
    std::fprintf(stderr, "kept temporary directory %s\n", m_path.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

}  // namespace trialwatch::testing
