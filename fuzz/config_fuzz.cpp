// SPDX-License-Identifier: MIT
// Fuzz the TOML configuration reader: every input is a Config or a ConfigError ("file:line: message"); anything else
// (another exception, a crash) is a bug.

#include "core/config/config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)trialwatch::core::parse_config(text, "fuzz.toml");
  } catch (const trialwatch::core::ConfigError& e) {
    if (std::string_view(e.what()).rfind("fuzz.toml:", 0) != 0) std::abort();  // always names the file and line
  }
  return 0;
}
