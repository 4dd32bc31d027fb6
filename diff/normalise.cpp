// SPDX-License-Identifier: MIT
#include "diff/normalise.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>

namespace trialwatch::diff {

namespace {

using core::Error;

// The registry writes this member on every refresh. Its key exists nowhere else in the study schema, and inside a
// string value its quotes would be escaped, so this exact byte sequence can only be the member itself.
constexpr std::string_view k_version_holder_key = "\"versionHolder\":\"";

// Remove `"versionHolder":"…"` and one comma beside it from the minified `text` of `length` bytes; return the new
// length.
std::size_t remove_version_holder(char* text, std::size_t length) {
  const std::string_view view(text, length);
  // derivedSection comes last in a study, so searching from the end finds the member after a few KB.
  const auto start = view.rfind(k_version_holder_key);
  if (start == std::string_view::npos) return length;
  std::size_t end = start + k_version_holder_key.size();
  while (end < length && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
  if (end >= length) return length;
  ++end;  // the closing quote
  std::size_t from = start;
  if (from > 0 && text[from - 1] == ',')
    --from;
  else if (end < length && text[end] == ',')
    ++end;
  std::memmove(text + from, text + end, length - end);
  return length - (end - from);
}

std::uint64_t load64(const char* p) {
  std::uint64_t value;
  std::memcpy(&value, p, sizeof value);
  return value;  // little-endian on every platform Debian builds trialwatch for
}

constexpr std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

constexpr std::uint64_t fmix64(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

}  // namespace

std::string hash128_hex(std::string_view bytes) {
  constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t c2 = 0x4cf5ad432745937fULL;
  const std::size_t length = bytes.size();
  const char* data = bytes.data();
  std::uint64_t h1 = 0;
  std::uint64_t h2 = 0;
  const std::size_t blocks = length / 16;
  for (std::size_t i = 0; i < blocks; ++i) {
    std::uint64_t k1 = load64(data + i * 16);
    std::uint64_t k2 = load64(data + i * 16 + 8);
    k1 *= c1;
    k1 = rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= c2;
    k2 = rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
    h2 = rotl(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }
  const auto* tail = reinterpret_cast<const unsigned char*>(data + blocks * 16);
  std::uint64_t k1 = 0;
  std::uint64_t k2 = 0;
  const std::size_t rest = length & 15;
  for (std::size_t i = rest; i > 8; --i) k2 ^= static_cast<std::uint64_t>(tail[i - 1]) << (8 * (i - 9));
  for (std::size_t i = std::min<std::size_t>(rest, 8); i > 0; --i)
    k1 ^= static_cast<std::uint64_t>(tail[i - 1]) << (8 * (i - 1));
  if (rest > 8) {
    k2 *= c2;
    k2 = rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
  }
  if (rest > 0) {
    k1 *= c1;
    k1 = rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
  }
  h1 ^= length;
  h2 ^= length;
  h1 += h2;
  h2 += h1;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 += h2;
  h2 += h1;
  return fmt::format("{:016x}{:016x}", h1, h2);
}

core::Result<std::string> Normaliser::hash(std::string_view study_json) {
  m_length = 0;
  if (study_json.size() > k_max_study_bytes)
    return Error{Error::Code::unreadable, fmt::format("the study document is {} bytes, more than the {} allowed",
                                                      study_json.size(), k_max_study_bytes)};
  if (m_buffer.size() < study_json.size()) m_buffer.resize(study_json.size());
  std::size_t length = 0;
  if (const auto error = simdjson::minify(study_json.data(), study_json.size(), m_buffer.data(), length))
    return Error{Error::Code::unreadable,
                 fmt::format("the study document is not valid JSON ({})", simdjson::error_message(error))};
  if (length < 2 || m_buffer[0] != '{' || m_buffer[length - 1] != '}')
    return Error{Error::Code::unreadable, "the study document is not a JSON object"};
  if (!simdjson::validate_utf8(m_buffer.data(), length))
    return Error{Error::Code::unreadable, "the study document is not valid UTF-8"};
  m_length = remove_version_holder(m_buffer.data(), length);
  return hash128_hex(canonical());
}

core::Result<NormalisedStudy> normalise(std::string_view study_json) {
  Normaliser normaliser;
  TW_TRY(hash, normaliser.hash(study_json));
  return NormalisedStudy{std::string(normaliser.canonical()), std::move(*hash)};
}

}  // namespace trialwatch::diff
