// SPDX-License-Identifier: MIT
// Fuzz the list-page and /version readers with arbitrary response bodies: a page or an error, never a crash; every
// study of an accepted page is kept as the exact bytes received (a piece of the body).

#include "fetch/study_page.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)trialwatch::fetch::parse_version(body);
  const auto page = trialwatch::fetch::parse_study_page(body);
  if (!page) return 0;
  for (const auto& study : page->studies)
    if (body.find(study) == std::string_view::npos) std::abort();
  return 0;
}
