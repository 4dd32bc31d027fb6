// SPDX-License-Identifier: MIT
#include "diff/normalise.hpp"

#include "core/json_text.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdint>
#include <iterator>

namespace trialwatch::diff {

namespace {

using core::Error;

// Where an object sits on the way to derivedSection.miscInfoModule.versionHolder; everything else is `elsewhere`.
enum class Position { root, derived_section, misc_info_module, elsewhere };

Position child_position(Position parent, std::string_view key) {
  if (parent == Position::root && key == "derivedSection") return Position::derived_section;
  if (parent == Position::derived_section && key == "miscInfoModule") return Position::misc_info_module;
  return Position::elsewhere;
}

bool is_noise(Position parent, std::string_view key) {
  return parent == Position::misc_info_module && key == "versionHolder";
}

// Append the canonical form of `element`, which sits at `position`. Recursion depth is bounded by simdjson's
// maximum nesting depth (1024), which parse() has already enforced.
void write_element(std::string& out, simdjson::dom::element element, Position position) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      out.push_back('{');
      bool first = true;
      // Name the object: iterating the temporary simdjson_result directly would outlive it.
      const simdjson::dom::object object = element.get_object().value_unsafe();
      for (const simdjson::dom::key_value_pair field : object) {
        if (is_noise(position, field.key)) continue;
        if (!first) out.push_back(',');
        first = false;
        core::append_json_quoted(out, field.key);
        out.push_back(':');
        write_element(out, field.value, child_position(position, field.key));
      }
      out.push_back('}');
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      const simdjson::dom::array array = element.get_array().value_unsafe();
      for (const simdjson::dom::element item : array) {
        if (!first) out.push_back(',');
        first = false;
        write_element(out, item, Position::elsewhere);
      }
      out.push_back(']');
      break;
    }
    case simdjson::dom::element_type::STRING:
      core::append_json_quoted(out, element.get_string().value_unsafe());
      break;
    case simdjson::dom::element_type::INT64:
      fmt::format_to(std::back_inserter(out), "{}", element.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      fmt::format_to(std::back_inserter(out), "{}", element.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      fmt::format_to(std::back_inserter(out), "{}", element.get_double().value_unsafe());  // shortest round-trip form
      break;
    case simdjson::dom::element_type::BOOL:
      out += element.get_bool().value_unsafe() ? "true" : "false";
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      out += "null";
      break;
  }
}

// FNV-1a, 64-bit.
std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

std::uint64_t fmix64(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// A MurmurHash3-style 64-bit hash over little-endian 8-byte words; byte order fixed, so values are portable.
std::uint64_t word_hash64(std::string_view bytes) {
  constexpr std::uint64_t k_c1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t k_c2 = 0x4cf5ad432745937fULL;
  std::uint64_t hash = 0x9e3779b97f4a7c15ULL ^ (bytes.size() * k_c1);
  const auto mix_word = [&](std::uint64_t word) {
    word *= k_c1;
    word = rotl(word, 31);
    word *= k_c2;
    hash ^= word;
    hash = rotl(hash, 27) * 5 + 0x52dce729;
  };
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word = 0;
    for (int b = 7; b >= 0; --b)
      word = (word << 8) | static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(b)]);
    mix_word(word);
  }
  if (i < bytes.size()) {
    std::uint64_t word = 0;
    for (std::size_t b = bytes.size(); b > i; --b) word = (word << 8) | static_cast<unsigned char>(bytes[b - 1]);
    mix_word(word);  // the length, mixed in at both ends, tells "a" from "a\0"
  }
  return fmix64(hash ^ bytes.size());
}

}  // namespace

std::string hash128_hex(std::string_view bytes) {
  return fmt::format("{:016x}{:016x}", fnv1a64(bytes), word_hash64(bytes));
}

core::Result<NormalisedStudy> normalise(std::string_view study_json) {
  if (study_json.size() > k_max_study_bytes)
    return Error{Error::Code::bad_response, fmt::format("the study document is {} bytes, more than the {} allowed",
                                                        study_json.size(), k_max_study_bytes)};
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(study_json);
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root))
    return Error{Error::Code::bad_response,
                 fmt::format("the study document is not valid JSON ({})", simdjson::error_message(error))};
  if (root.type() != simdjson::dom::element_type::OBJECT)
    return Error{Error::Code::bad_response, "the study document is valid JSON but not a JSON object"};

  NormalisedStudy study;
  study.canonical.reserve(study_json.size());
  write_element(study.canonical, root, Position::root);
  study.hash = hash128_hex(study.canonical);
  return study;
}

}  // namespace trialwatch::diff
