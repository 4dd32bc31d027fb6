// SPDX-License-Identifier: MIT
#include "tests/support/test_data.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace trialwatch::testing {

std::filesystem::path test_data_dir() { return TRIALWATCH_TEST_DATA_DIR; }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read test file " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string read_test_file(const std::filesystem::path& relative) { return read_file(test_data_dir() / relative); }

}  // namespace trialwatch::testing
