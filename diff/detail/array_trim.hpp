// SPDX-License-Identifier: MIT
// Internal to diff/: when a big protocolSection module changed, the two versions usually share a long run of
// identical records at the front of the array where they first differ (1,148 sites, one added at the end). Cutting
// that run from both texts spares parsing and walking it; the differ still counts the cut records whose identity
// key it needs for the "#n" numbering, reading only those that could have one. Never included outside this module.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::diff::detail {

// The records cut from the front of one array of a module; offsets are the same in both versions' module texts.
struct ArrayTrim {
  std::string key;                     // the array's member name in the module (unescaped)
  std::size_t open = 0;                // where the array's '[' is
  std::size_t rest = 0;                // where the first record kept starts: the text in [open + 1, rest) is cut
  std::vector<std::string_view> head;  // the records cut, as text of the later version, in order
};

// Find what can be cut from module `later` (inside a buffer padded for simdjson up to `capacity` bytes from its
// start) and module `earlier`, whose texts differ: the records of the array holding their first difference whose
// text, and the comma after it, lie before that difference. Nothing when less than `min_bytes` would be cut.
std::optional<ArrayTrim> find_array_trim(simdjson::ondemand::parser& parser, std::string_view later,
                                         std::size_t capacity, std::string_view earlier, std::size_t min_bytes);

// Return `module` without what `trim` cuts.
std::string cut(std::string_view module, const ArrayTrim& trim);

// Which cut records could have one of a set of identity keys, without parsing them. A record whose key is K holds, as
// bytes, every ", "-separated piece of K that is not a number (its string fields are their own bytes when the
// record has no backslash), so a record lacking such a piece cannot have K.
class KeyScreen {
 public:
  // Screen for `keys`, the identity keys the differ looks for.
  explicit KeyScreen(const std::vector<std::string_view>& keys);
  // Return the indexes, in order, of the `records` (consecutive records of one text, as ArrayTrim::head holds them)
  // that could have one of the keys; the others certainly have none of them.
  std::vector<std::size_t> candidates(const std::vector<std::string_view>& records) const;

 private:
  bool m_everything = false;           // a key without a usable piece: every record must be read
  std::vector<std::string> m_needles;  // one piece of each key
};

}  // namespace trialwatch::diff::detail
