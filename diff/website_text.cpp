// SPDX-License-Identifier: MIT
#include "diff/website_text.hpp"

#include "core/json_text.hpp"
#include "diff/normalise.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

namespace trialwatch::diff {

namespace dom = simdjson::dom;

namespace {

// The most bytes a tag may span, attributes included: a longer "<p ..." is text (and no scan is quadratic).
constexpr std::size_t k_longest_tag = 1024;

// The HTML tags the website writes into text (and a few more of the same kind), with whether each ends a line.
struct Tag {
  std::string_view name;
  bool block;
};
constexpr std::array<Tag, 35> k_tags{{
    {"p", true},     {"br", true},    {"ul", true},    {"ol", true},    {"li", true},      {"div", true},
    {"h1", true},    {"h2", true},    {"h3", true},    {"h4", true},    {"h5", true},      {"h6", true},
    {"table", true}, {"thead", true}, {"tbody", true}, {"tr", true},    {"td", true},      {"th", true},
    {"dl", true},    {"dt", true},    {"dd", true},    {"hr", true},    {"pre", true},     {"blockquote", true},
    {"b", false},    {"i", false},    {"u", false},    {"em", false},   {"strong", false}, {"sub", false},
    {"sup", false},  {"span", false}, {"a", false},    {"code", false}, {"s", false},
}};

// The HTML entities the website writes by name (numeric ones are decoded by number).
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> k_named_entities{{
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"quot", "\""},
    {"apos", "'"},
    {"nbsp", "\xC2\xA0"},
}};

// What markdown may escape with a backslash (CommonMark: ASCII punctuation).
constexpr std::string_view k_markdown_escapable = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

// Markup characters dropped everywhere: `*` (emphasis, bullets) and `^` (superscript), which API v2 text carries
// as markup and the website as tags, or escaped and plain respectively.
constexpr std::string_view k_dropped = "*^";

constexpr std::string_view k_nbsp = "\xC2\xA0";

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The length of the known HTML tag that starts at text[at] (a '<'), and whether it ends a line; nothing when no
// known tag starts there (a literal '<' such as "< 72 hours" or "</= 94%").
std::optional<std::pair<std::size_t, bool>> tag_at(std::string_view text, std::size_t at) {
  std::size_t pos = at + 1;
  if (pos < text.size() && text[pos] == '/') ++pos;
  const std::size_t name_start = pos;
  while (pos < text.size() && is_ascii_alnum(text[pos])) ++pos;
  if (pos == name_start || pos >= text.size()) return std::nullopt;
  if (text[pos] != '>' && text[pos] != '/' && !is_space(text[pos])) return std::nullopt;
  std::string name(text.substr(name_start, pos - name_start));
  std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
  const auto tag = std::find_if(k_tags.begin(), k_tags.end(), [&](const Tag& t) { return t.name == name; });
  const auto end = text.substr(0, at + k_longest_tag).find('>', pos);
  if (tag == k_tags.end() || end == std::string_view::npos) return std::nullopt;
  return std::pair{end + 1 - at, tag->block};
}

// Append `code_point` (a scalar value) to `out` in UTF-8: a lead byte with 1 to 3 continuation bytes above 0x7F.
void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
    return;
  }
  const int continuation = code_point < 0x800 ? 1 : code_point < 0x10000 ? 2 : 3;
  const std::uint32_t lead = (0xFF00U >> (continuation + 1)) | (code_point >> (6 * continuation));
  out.push_back(static_cast<char>(lead & 0xFF));
  for (int i = continuation - 1; i >= 0; --i) out.push_back(static_cast<char>(0x80 | ((code_point >> (6 * i)) & 0x3F)));
}

// The code point of the numeric entity body `digits` ("60", "x3C"), when it names a character.
std::optional<std::uint32_t> numeric_entity(std::string_view digits) {
  const bool hex = !digits.empty() && (digits[0] == 'x' || digits[0] == 'X');
  if (hex) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > (hex ? 6U : 7U)) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return std::nullopt;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  return value;
}

// Decode the entity that starts at text[at] (a '&') into `out` and return its length; 0 when none starts there.
std::size_t decode_entity(std::string_view text, std::size_t at, std::string& out) {
  constexpr std::size_t k_longest = 10;  // "&#x10FFFF;"
  const auto end = text.substr(at, k_longest + 1).find(';');
  if (end == std::string_view::npos || end < 2) return 0;
  const std::string_view body = text.substr(at + 1, end - 1);
  if (body[0] == '#') {
    const auto code_point = numeric_entity(body.substr(1));
    if (!code_point) return 0;
    append_utf8(out, *code_point);
    return end + 1;
  }
  for (const auto& [name, value] : k_named_entities)
    if (body == name) {
      out += value;
      return end + 1;
    }
  return 0;
}

// Remove known tags (a block tag becomes a line break) and decode backslash escapes and entities, in one pass so
// that an escaped '<' or '&' stays literal and nothing decoded is read again.
std::string decode_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && k_markdown_escapable.find(text[i + 1]) != std::string_view::npos) {
      out.push_back(text[i + 1]);
      i += 2;
    } else if (const auto tag = c == '<' ? tag_at(text, i) : std::nullopt) {
      if (tag->second) out.push_back('\n');
      i += tag->first;
    } else if (const std::size_t length = c == '&' ? decode_entity(text, i, out) : 0) {
      i += length;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

// The length of the list marker ("1.", "12)", "-", "+", "*") and the white space after it at the start of
// `line`; 0 when the line does not start with one.
std::size_t list_marker(std::string_view line) {
  std::size_t pos = 0;
  while (pos < line.size() && pos < 9 && line[pos] >= '0' && line[pos] <= '9') ++pos;
  if (pos > 0 && pos < line.size() && (line[pos] == '.' || line[pos] == ')'))
    ++pos;
  else if (pos == 0 && !line.empty() && (line[0] == '-' || line[0] == '+' || line[0] == '*'))
    pos = 1;
  else
    return 0;
  if (pos < line.size() && !is_space(line[pos])) return 0;
  while (pos < line.size() && is_space(line[pos])) ++pos;
  return pos;
}

// Append `line` without its list marker and dropped characters, its white space runs as single spaces.
void append_flat_line(std::string_view line, std::string& out) {
  std::size_t start = 0;
  while (start < line.size() && is_space(line[start])) ++start;
  line.remove_prefix(start);
  line.remove_prefix(list_marker(line));
  bool space = !out.empty();
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line.substr(i, k_nbsp.size()) == k_nbsp) {
      space = !out.empty();
      ++i;
    } else if (is_space(line[i])) {
      space = !out.empty();
    } else if (k_dropped.find(line[i]) == std::string_view::npos) {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(line[i]);
    }
  }
}

// Write the element `element` to `out` as minified JSON with its strings in comparable_text() form; leave out
// derivedSection when `top` (the study object itself).
void write_comparable(dom::element element, bool top, std::string& out) {
  switch (element.type()) {
    case dom::element_type::OBJECT: {
      out.push_back('{');
      bool first = true;
      const dom::object object = element.get_object().value_unsafe();
      for (const auto field : object) {
        if (top && field.key == "derivedSection") continue;
        if (!first) out.push_back(',');
        first = false;
        core::append_json_quoted(out, field.key);
        out.push_back(':');
        write_comparable(field.value, false, out);
      }
      out.push_back('}');
      return;
    }
    case dom::element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      const dom::array array = element.get_array().value_unsafe();
      for (const auto item : array) {
        if (!first) out.push_back(',');
        first = false;
        write_comparable(item, false, out);
      }
      out.push_back(']');
      return;
    }
    case dom::element_type::STRING:
      core::append_json_quoted(out, comparable_text(element.get_string().value_unsafe()));
      return;
    default:
      out += simdjson::minify(element);
  }
}

}  // namespace

std::string comparable_text(std::string_view text) {
  const std::string decoded = decode_markup(text);
  std::string out;
  out.reserve(decoded.size());
  const std::string_view view(decoded);
  for (std::size_t start = 0; start <= view.size();) {
    const auto end = std::min(view.find_first_of("\n\r", start), view.size());
    append_flat_line(view.substr(start, end - start), out);
    start = end + 1;
  }
  return out;
}

core::Result<std::string> comparable_form(std::string_view study_json) {
  using core::Error;
  if (study_json.size() > k_max_study_bytes)
    return Error{Error::Code::unreadable, fmt::format("the study document is {} bytes, more than the {} allowed",
                                                      study_json.size(), k_max_study_bytes)};
  dom::parser parser;
  dom::element root;
  if (const auto error = parser.parse(study_json.data(), study_json.size()).get(root))
    return Error{Error::Code::unreadable,
                 fmt::format("the study document is not valid JSON ({})", simdjson::error_message(error))};
  if (root.type() != dom::element_type::OBJECT)
    return Error{Error::Code::unreadable, "the study document is not a JSON object"};
  std::string out;
  out.reserve(study_json.size());
  write_comparable(root, true, out);
  return out;
}

}  // namespace trialwatch::diff
