// SPDX-License-Identifier: MIT
#include "core/partial_date.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::PartialDate;

TEST_CASE("partial dates keep their precision", "[core][partial_date]") {
  auto [text, precision] = GENERATE(table<std::string, PartialDate::Precision>({
      {"2025", PartialDate::Precision::year},
      {"2025-06", PartialDate::Precision::month},
      {"2025-06-15", PartialDate::Precision::day},
      {"2024-02-29", PartialDate::Precision::day},
  }));
  const auto date = PartialDate::parse(text);
  REQUIRE(date.has_value());
  CHECK(date->precision() == precision);
  CHECK(date->str() == text);
}

TEST_CASE("impossible or malformed dates are refused", "[core][partial_date]") {
  auto text = GENERATE(as<std::string>{}, "", "25", "2025-6", "2025-13", "2025-00", "2025-02-30", "2023-02-29",
                       "2025/06/15", "2025-06-15T10:00", "abcd");
  INFO(text);
  CHECK_FALSE(PartialDate::parse(text).has_value());
}

TEST_CASE("a more precise date in the same period is a refinement, not a slip", "[core][partial_date]") {
  const auto month = *PartialDate::parse("2026-10");
  CHECK(month.is_refined_by(*PartialDate::parse("2026-10-20")));
  CHECK_FALSE(month.is_refined_by(*PartialDate::parse("2026-11-02")));
  CHECK_FALSE(month.is_refined_by(*PartialDate::parse("2026-10")));
  CHECK(PartialDate::parse("2026")->is_refined_by(*PartialDate::parse("2026-03")));
  CHECK_FALSE(month.days_until(*PartialDate::parse("2026-10-20")).has_value());
}

TEST_CASE("slips between full dates are counted in days", "[core][partial_date]") {
  CHECK(PartialDate::parse("2026-10-20")->days_until(*PartialDate::parse("2027-01-15")) == 87);
  CHECK(PartialDate::parse("2026-03-01")->days_until(*PartialDate::parse("2026-02-28")) == -1);
}

TEST_CASE("a full date moves by days across months, years and leap days, and knows its weekday",
          "[core][partial_date]") {
  const auto date = [](const char* text) { return *trialwatch::core::PartialDate::parse(text); };
  CHECK(date("2026-03-01").plus_days(-1)->str() == "2026-02-28");
  CHECK(date("2028-03-01").plus_days(-1)->str() == "2028-02-29");
  CHECK(date("2026-12-31").plus_days(1)->str() == "2027-01-01");
  CHECK(date("2026-08-20").plus_days(0)->str() == "2026-08-20");
  CHECK_FALSE(date("2026-08").plus_days(1).has_value());  // only full dates move
  CHECK(date("2026-11-24").weekday() == 2u);              // a Tuesday
  CHECK(date("2026-11-29").weekday() == 0u);              // a Sunday
  CHECK_FALSE(date("2026").weekday().has_value());
}
