// SPDX-License-Identifier: MIT
// Fuzz the study normaliser and the facts reader with arbitrary bytes: an error is fine, a crash is not. For valid
// JSON (what the cycle passes it, after its strict page parse) the hash ignores formatting: the document and its
// minified form normalise to the same text and hash. (Normalising is not idempotent and need not be: it removes
// one versionHolder member, the last, and a study has one; the fuzzer's {"versionHolder":"","versionHolder":""}
// showed the difference.)

#include "diff/normalise.hpp"
#include "diff/study_facts.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)trialwatch::diff::read_study_facts(text);
  const auto normalised = trialwatch::diff::normalise(text);
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (!normalised || parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) return 0;
  std::string minified(text.size(), '\0');
  std::size_t length = 0;
  if (simdjson::minify(text.data(), text.size(), minified.data(), length) != simdjson::SUCCESS) std::abort();
  minified.resize(length);
  const auto again = trialwatch::diff::normalise(minified);
  if (!again || again->canonical != normalised->canonical || again->hash != normalised->hash) std::abort();
  return 0;
}
