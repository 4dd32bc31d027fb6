// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace trialwatch::core {

// A validated ClinicalTrials.gov identifier in canonical form: "NCT" followed by exactly 8 digits.
// Construct it only through parse(), so every NctId in the program is safe to put in a URL, SQL or a file name.
class NctId {
 public:
  // Parse `text`: NCT in any case and exactly 8 digits, surrounding white space ignored (" nct06613490" becomes
  // "NCT06613490"); fail with invalid_input and a sentence otherwise.
  static Result<NctId> parse(std::string_view text);

  // Return the canonical 11-character form.
  const std::string& str() const noexcept { return m_text; }
  // Return the eight digits as a number (NCT order is number order), e.g. 6613490 for NCT06613490.
  std::uint32_t number() const noexcept;

  friend bool operator==(const NctId&, const NctId&) = default;
  friend auto operator<=>(const NctId&, const NctId&) = default;

 private:
  explicit NctId(std::string canonical) : m_text(std::move(canonical)) {}
  std::string m_text;
};

}  // namespace trialwatch::core
