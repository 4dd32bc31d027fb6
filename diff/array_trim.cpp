// SPDX-License-Identifier: MIT
#include "diff/detail/array_trim.hpp"

#include "core/strings.hpp"

#include <algorithm>
#include <cstring>

namespace trialwatch::diff::detail {

namespace ondemand = simdjson::ondemand;

namespace {

// How many bytes `a` and `b` share at the start (blocks by memcmp, then the last block byte by byte).
std::size_t common_prefix(std::string_view a, std::string_view b) {
  constexpr std::size_t k_block = 4096;
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t at = 0;
  while (at + k_block <= n && std::memcmp(a.data() + at, b.data() + at, k_block) == 0) at += k_block;
  while (at < n && a[at] == b[at]) ++at;
  return at;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The text of a record that starts at `start` and is followed by a comma before `next`, the start of the next record;
// empty if no comma separates them.
std::string_view record_before(const char* start, const char* next) {
  const char* end = next;
  while (end > start && is_space(end[-1])) --end;
  if (end == start || end[-1] != ',') return {};
  return core::trim_json_space_right(std::string_view(start, static_cast<std::size_t>(end - 1 - start)));
}

// Say whether `piece` could be (part of) the text of a number, which the differ writes in its own spelling.
bool number_like(std::string_view piece) {
  return piece.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
}

// The longest ", "-separated piece of `key` that is not number-like; empty if it has none.
std::string_view needle_of(std::string_view key) {
  std::string_view best;
  while (true) {
    const auto comma = key.find(", ");
    const auto piece = key.substr(0, comma);
    if (!number_like(piece) && piece.size() > best.size()) best = piece;
    if (comma == std::string_view::npos) return best;
    key.remove_prefix(comma + 2);
  }
}

}  // namespace

std::optional<ArrayTrim> find_array_trim(ondemand::parser& parser, std::string_view later, std::size_t capacity,
                                         std::string_view earlier, std::size_t min_bytes) {
  const std::size_t same = common_prefix(later, earlier);
  if (same < min_bytes) return std::nullopt;
  const char* const base = later.data();
  const char* const differs = base + same;
  ondemand::document document;
  ondemand::object module;
  if (parser.iterate(simdjson::padded_string_view(base, later.size(), capacity)).get(document) ||
      document.get_object().get(module))
    return std::nullopt;
  // The array holding the difference is the last member that starts before it, if that member is an array.
  std::optional<ArrayTrim> found;
  std::vector<const char*> starts;  // of its records that start before the difference
  for (auto field : module) {
    ondemand::raw_json_string raw_key;
    if (field.key().get(raw_key)) return std::nullopt;
    if (raw_key.raw() - 1 >= differs) break;
    found.reset();
    std::string_view key;
    ondemand::value value;
    ondemand::json_type type;
    if (field.unescaped_key().get(key) || field.value().get(value) || value.type().get(type)) return std::nullopt;
    if (type != ondemand::json_type::array) continue;
    const char* const open = value.raw_json_token().data();
    ondemand::array array;
    if (*open != '[' || value.get_array().get(array)) return std::nullopt;
    starts.clear();
    bool past = false;
    for (auto element : array) {
      ondemand::value record;
      if (element.get(record)) return std::nullopt;
      const char* const start = record.raw_json_token().data();
      if (start > differs) {
        past = true;
        break;
      }
      starts.push_back(start);
    }
    found = ArrayTrim{std::string(key), static_cast<std::size_t>(open - base), 0, {}};
    if (past) break;
  }
  // A record is cut when the next one starts before the difference: its text and comma are the same in both.
  if (!found || starts.size() < 2) return std::nullopt;
  const std::size_t head = starts.size() - 1;
  found->rest = static_cast<std::size_t>(starts[head] - base);
  if (found->rest - found->open - 1 < min_bytes) return std::nullopt;
  found->head.reserve(head);
  for (std::size_t i = 0; i < head; ++i) {
    const auto record = record_before(starts[i], starts[i + 1]);
    if (record.empty()) return std::nullopt;
    found->head.push_back(record);
  }
  return found;
}

std::string cut(std::string_view module, const ArrayTrim& trim) {
  std::string out(module.substr(0, trim.open + 1));
  out.append(module.substr(trim.rest));
  return out;
}

KeyScreen::KeyScreen(const std::vector<std::string_view>& keys) {
  for (const auto key : keys) {
    const auto needle = needle_of(key);
    if (needle.empty()) {
      m_everything = true;
      return;
    }
    m_needles.emplace_back(needle);
  }
  m_needles.emplace_back("\\");  // escapes: the record's bytes are not its strings' characters
}

std::vector<std::size_t> KeyScreen::candidates(const std::vector<std::string_view>& records) const {
  std::vector<std::size_t> chosen;
  if (records.empty()) return chosen;
  if (m_everything) {
    for (std::size_t i = 0; i < records.size(); ++i) chosen.push_back(i);
    return chosen;
  }
  // Search the records' whole span once per needle; a hit belongs to the record it starts in (or, between two
  // records, to the one before: a spare read, never a missed one).
  const char* const first = records.front().data();
  const std::string_view span(first, static_cast<std::size_t>(records.back().data() + records.back().size() - first));
  std::vector<bool> marked(records.size(), false);
  for (const auto& needle : m_needles) {
    std::size_t at = 0;
    while ((at = span.find(needle, at)) != std::string_view::npos) {
      const char* const hit = first + at;
      const auto after = std::upper_bound(records.begin(), records.end(), hit,
                                          [](const char* p, std::string_view record) { return p < record.data(); });
      const auto index = static_cast<std::size_t>(after - records.begin()) - 1;
      marked[index] = true;
      const auto record_end = static_cast<std::size_t>(records[index].data() + records[index].size() - first);
      at = std::max(at + 1, record_end);
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i)
    if (marked[i]) chosen.push_back(i);
  return chosen;
}

}  // namespace trialwatch::diff::detail
