// SPDX-License-Identifier: MIT
// Fuzz the NCT ID parser: whatever it accepts prints as NCT and 8 digits and parses back to itself.

#include "core/nct_id.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto id = trialwatch::core::NctId::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!id) return 0;
  const std::string& text = id->str();
  if (text.size() != 11 || text.rfind("NCT", 0) != 0 || text.find_first_not_of("0123456789", 3) != std::string::npos)
    std::abort();
  const auto again = trialwatch::core::NctId::parse(text);
  if (!again || again->str() != text) std::abort();
  return 0;
}
