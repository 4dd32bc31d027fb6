// SPDX-License-Identifier: MIT
#include "core/nct_id.hpp"

#include <fmt/format.h>

namespace trialwatch::core {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Error malformed(std::string_view text, std::string_view why) {
  return Error{Error::Code::invalid_input,
               fmt::format("'{}' is not an NCT number: {}; write NCT followed by exactly 8 digits, e.g. NCT06613490",
                           text, why)};
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<NctId> NctId::parse(std::string_view text) {
  const auto id = trimmed(text);
  if (id.size() > 64) return malformed(id.substr(0, 64), "it is far too long");
  if (id.size() < 3 || (id[0] != 'N' && id[0] != 'n') || (id[1] != 'C' && id[1] != 'c') ||
      (id[2] != 'T' && id[2] != 't'))
    return malformed(id, "it does not start with NCT");
  const auto digits = id.substr(3);
  for (char c : digits)
    if (!is_digit(c)) return malformed(id, "only digits may follow NCT");
  // Never pad or strip zeros: NCT0661349 padded would name another, real trial.
  if (digits.size() != 8) return malformed(id, fmt::format("it has {} digits", digits.size()));
  if (digits == "00000000") return malformed(id, "NCT00000000 names no study");
  return NctId("NCT" + std::string(digits));
}

std::uint32_t NctId::number() const noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 3; i < m_text.size(); ++i) value = value * 10 + static_cast<std::uint32_t>(m_text[i] - '0');
  return value;
}

}  // namespace trialwatch::core
