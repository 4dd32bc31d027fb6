// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::core {

// A registry date with its precision: "2025", "2025-06" or "2025-06-15" (the API's PartialDate).
class PartialDate {
 public:
  // How much of the date is known.
  enum class Precision { year, month, day };

  // Parse `text`; nothing when it is not yyyy, yyyy-MM or yyyy-MM-dd with a real month and day.
  static std::optional<PartialDate> parse(std::string_view text);

  int year() const noexcept { return m_year; }
  int month() const noexcept { return m_month; }  // 1 when unknown
  int day() const noexcept { return m_day; }      // 1 when unknown
  Precision precision() const noexcept { return m_precision; }

  // Say whether `later` only adds precision to this date without contradicting it ("2025-06" -> "2025-06-15").
  bool is_refined_by(const PartialDate& later) const noexcept;

  // Return the days from this date to `later` when both are full dates; nothing otherwise.
  std::optional<long> days_until(const PartialDate& later) const noexcept;

  // Return this full date moved by `days` (negative: earlier); nothing unless it is a full date.
  std::optional<PartialDate> plus_days(long days) const;
  // Return the day of the week of a full date, 0 = Sunday to 6 = Saturday; nothing unless it is a full date.
  std::optional<unsigned> weekday() const noexcept;
  // Return the date in its original form.
  std::string str() const;

 private:
  int m_year = 0;
  int m_month = 1;
  int m_day = 1;
  Precision m_precision = Precision::year;
};

}  // namespace trialwatch::core
