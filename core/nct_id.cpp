// SPDX-License-Identifier: MIT
#include "core/nct_id.hpp"

#include <fmt/format.h>

namespace trialwatch::core {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Error malformed(std::string_view text) {
  return Error{
      Error::Code::invalid_input,
      fmt::format("'{}' is not an NCT number; write it as NCT followed by up to 8 digits, e.g. NCT06613490", text)};
}

}  // namespace

Result<NctId> NctId::parse(std::string_view text) {
  if (text.size() < 4 || text.size() > 64) return malformed(text);
  const auto prefix = text.substr(0, 3);
  if ((prefix[0] != 'N' && prefix[0] != 'n') || (prefix[1] != 'C' && prefix[1] != 'c') ||
      (prefix[2] != 'T' && prefix[2] != 't'))
    return malformed(text);
  auto digits = text.substr(3);
  for (char c : digits)
    if (!is_digit(c)) return malformed(text);
  const auto first_significant = digits.find_first_not_of('0');
  if (first_significant == std::string_view::npos) return malformed(text);  // all zeros
  digits.remove_prefix(first_significant);
  if (digits.size() > 8) return malformed(text);
  return NctId(fmt::format("NCT{:0>8}", digits));
}

std::uint32_t NctId::number() const noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 3; i < m_text.size(); ++i) value = value * 10 + static_cast<std::uint32_t>(m_text[i] - '0');
  return value;
}

}  // namespace trialwatch::core
