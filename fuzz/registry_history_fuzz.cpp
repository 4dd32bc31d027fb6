// SPDX-License-Identifier: MIT
// Fuzz the readers of the registry website's history answers and the comparison form of website text with
// arbitrary bytes: an error is fine, a crash is not. A version's study is a piece of the answer (the exact bytes
// received) and a JSON object; comparable text is flat (no line break, tab, double or outer space) and free of the
// markup characters it drops.

#include "diff/registry_history.hpp"
#include "diff/website_text.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

bool is_flat(std::string_view text) {
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) return false;
  return text.find_first_of("\n\r\t*^") == std::string_view::npos && text.find("  ") == std::string_view::npos &&
         text.find("\xC2\xA0") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  (void)trialwatch::diff::read_history_list(input);
  if (const auto version = trialwatch::diff::read_history_version(input, 0)) {
    const std::string_view study = version->study_json;
    if (study.data() < input.data() || study.data() + study.size() > input.data() + input.size()) std::abort();
    if (parser.parse(study.data(), study.size()).get(root) != simdjson::SUCCESS || !root.is_object()) std::abort();
  }
  if (!is_flat(trialwatch::diff::comparable_text(input))) std::abort();
  if (const auto form = trialwatch::diff::comparable_form(input)) {
    if (parser.parse(form->data(), form->size()).get(root) != simdjson::SUCCESS || !root.is_object()) std::abort();
  }
  return 0;
}
