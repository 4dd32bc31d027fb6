// SPDX-License-Identifier: MIT
#include "core/partial_date.hpp"

#include <fmt/format.h>

#include <chrono>

namespace trialwatch::core {

namespace {

std::optional<int> digits(std::string_view text) {
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<PartialDate> PartialDate::parse(std::string_view text) {
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  PartialDate date;
  const auto year = digits(text.substr(0, 4));
  if (!year) return std::nullopt;
  date.m_year = *year;
  if (text.size() >= 7) {
    if (text[4] != '-') return std::nullopt;
    const auto month = digits(text.substr(5, 2));
    if (!month || *month < 1 || *month > 12) return std::nullopt;
    date.m_month = *month;
    date.m_precision = Precision::month;
  }
  if (text.size() == 10) {
    if (text[7] != '-') return std::nullopt;
    const auto day = digits(text.substr(8, 2));
    if (!day) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(date.m_year),
                                          std::chrono::month(static_cast<unsigned>(date.m_month)),
                                          std::chrono::day(static_cast<unsigned>(*day))};
    if (!ymd.ok()) return std::nullopt;
    date.m_day = *day;
    date.m_precision = Precision::day;
  }
  return date;
}

bool PartialDate::is_refined_by(const PartialDate& later) const noexcept {
  if (later.m_precision <= m_precision) return false;
  if (later.m_year != m_year) return false;
  return m_precision == Precision::year || later.m_month == m_month;
}

namespace {

std::chrono::sys_days days_of(const PartialDate& d) {
  return std::chrono::sys_days{std::chrono::year(d.year()) / std::chrono::month(static_cast<unsigned>(d.month())) /
                               std::chrono::day(static_cast<unsigned>(d.day()))};
}

}  // namespace

std::optional<long> PartialDate::days_until(const PartialDate& later) const noexcept {
  if (m_precision != Precision::day || later.m_precision != Precision::day) return std::nullopt;
  return static_cast<long>((days_of(later) - days_of(*this)).count());
}

std::optional<PartialDate> PartialDate::plus_days(long days) const {
  if (m_precision != Precision::day) return std::nullopt;
  const std::chrono::year_month_day moved{days_of(*this) + std::chrono::days{days}};
  PartialDate date;
  date.m_year = static_cast<int>(moved.year());
  date.m_month = static_cast<int>(static_cast<unsigned>(moved.month()));
  date.m_day = static_cast<int>(static_cast<unsigned>(moved.day()));
  date.m_precision = Precision::day;
  return date;
}

std::optional<unsigned> PartialDate::weekday() const noexcept {
  if (m_precision != Precision::day) return std::nullopt;
  return std::chrono::weekday{days_of(*this)}.c_encoding();
}

std::string PartialDate::str() const {
  switch (m_precision) {
    case Precision::year:
      return fmt::format("{:04}", m_year);
    case Precision::month:
      return fmt::format("{:04}-{:02}", m_year, m_month);
    case Precision::day:
      return fmt::format("{:04}-{:02}-{:02}", m_year, m_month, m_day);
  }
  return {};
}

}  // namespace trialwatch::core
