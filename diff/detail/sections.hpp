// SPDX-License-Identifier: MIT
// Internal to diff/: a study document's top-level members and protocolSection's modules as spans of its text, so
// the differ parses only the sections whose text changed. Never included outside this module.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::diff::detail {

// One member of an object, as text inside the document it was split from.
struct Member {
  std::string key;        // unescaped
  std::string_view text;  // the whole member, from its key's opening quote to the end of its value
  std::string_view raw;   // the value; for protocolSection, from its first module's value to its last's
};

// A document's top-level members and protocolSection's modules (when protocolSection is an object).
struct Sections {
  std::vector<Member> top;
  std::vector<Member> protocol;
};

// Append simdjson's padding to `buffer` and return a view of the text before it (reused buffers only grow).
simdjson::padded_string_view pad(std::string& buffer);

// Split `json` into sections with simdjson On-Demand, which skips values at SIMD speed; false if it cannot.
bool split_sections(simdjson::ondemand::parser& parser, simdjson::padded_string_view json, Sections& out);

// Split `old`, an earlier version of the document `theirs` was split from, without reading the parts it shares
// with that document: members whose text is identical at the same place are taken as they are, and only the text
// between them is split (with `parser`, copied into `scratch`). Gives what split_sections() gives for a valid
// `old`; false when `old` does not line up (then split it with split_sections()).
bool align_sections(std::string_view old, const Sections& theirs, Sections& out, simdjson::ondemand::parser& parser,
                    std::string& scratch);

}  // namespace trialwatch::diff::detail
