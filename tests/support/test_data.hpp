// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

namespace trialwatch::testing {

// Return the path of tests/data in the source tree (tests never read ../shared).
std::filesystem::path test_data_dir();

// Return the bytes of the file at `relative` below tests/data; throw if it cannot be read.
std::string read_test_file(const std::filesystem::path& relative);

// Return the bytes of the file at `path`; throw if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace trialwatch::testing
