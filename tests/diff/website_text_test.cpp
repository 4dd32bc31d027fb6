// SPDX-License-Identifier: MIT
// The plain form of registry text: the website's HTML-escaped HTML and API v2's markdown reduce to the same text,
// and what is not markup stays.

#include "diff/website_text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using trialwatch::core::Error;
using trialwatch::diff::comparable_form;
using trialwatch::diff::comparable_text;

TEST_CASE("comparable_text decodes the website's HTML entities once", "[diff][history]") {
  CHECK(comparable_text("SpO2 &lt;&#x2F;= 94% &amp; rate &gt;&#x2F;= 24 breaths&#x2F;min") ==
        "SpO2 </= 94% & rate >/= 24 breaths/min");
  CHECK(comparable_text("&quot;recovered&quot; subject&#x27;s &#39;day&#39; &#60;&#X3E; &apos;") ==
        "\"recovered\" subject's 'day' <> '");
  CHECK(comparable_text("caf&#xE9; &#8805; 18 &#x1F600;") == "caf\xC3\xA9 \xE2\x89\xA5 18 \xF0\x9F\x98\x80");
  CHECK(comparable_text("R&amp;amp;D &amp;lt;") == "R&amp;D &lt;");  // decoded once, not twice
}

TEST_CASE("comparable_text keeps what only looks like an entity", "[diff][history]") {
  for (const std::string_view text : {"R&Amp;D", "a & b", "&unknown;", "&#0;", "&#xD800;", "&#x110000;", "&#;", "&#x;",
                                      "&#12345678;", "&amp", "AT&T;"}) {
    INFO(text);
    CHECK(comparable_text(text) == text);
  }
}

TEST_CASE("comparable_text removes markdown backslash escapes, and an escaped character stays literal",
          "[diff][history]") {
  CHECK(comparable_text(R"(ALT \> 5 times, eGFR \< 30 ml/min, \(a\) \[b\] \_c\_ \#1 \- x)") ==
        "ALT > 5 times, eGFR < 30 ml/min, (a) [b] _c_ #1 - x");
  CHECK(comparable_text(R"(\<p\> and \<p> are text)") == "<p> and <p> are text");
  CHECK(comparable_text(R"(\&lt; is literal)") == "&lt; is literal");
  CHECK(comparable_text(R"(C:\dir \\ end)") == R"(C:\dir \ end)");
}

TEST_CASE("comparable_text turns the website's HTML and API v2's markdown lists into the same text",
          "[diff][history]") {
  const std::string html =
      "<p>Inclusion Criteria:</p><ol><li>Adult &gt;&#x2F;=18 years.</li><li><p>At least one of:</p><ul>"
      "<li>Radiographic infiltrates, OR</li><li>SpO2 &lt;&#x2F;= 94%.</li></ul></li></ol><p>Exclusion Criteria:</p>"
      "<ol><li>Pregnancy.<br/>Or breast feeding.</li></ol>";
  const std::string markdown =
      "Inclusion Criteria:\n\n1. Adult \\>/=18 years.\n2. At least one of:\n\n   * Radiographic infiltrates, OR\n"
      "   * SpO2 \\</= 94%.\n\nExclusion Criteria:\n\n1. Pregnancy.\n   Or breast feeding.";
  const std::string plain =
      "Inclusion Criteria: Adult >/=18 years. At least one of: Radiographic infiltrates, OR SpO2 </= 94%. Exclusion "
      "Criteria: Pregnancy. Or breast feeding.";
  CHECK(comparable_text(html) == plain);
  CHECK(comparable_text(markdown) == plain);
}

TEST_CASE("comparable_text drops emphasis and superscript markup, list markers and extra white space",
          "[diff][history]") {
  CHECK(comparable_text("**Note** 500 mg/m\\^2 and *italic*") == "Note 500 mg/m2 and italic");
  CHECK(comparable_text("<strong>Note</strong> 500 mg/m<sup>2</sup> and <EM>italic</EM>") ==
        "Note 500 mg/m2 and italic");
  CHECK(comparable_text("- one\n+ two\n* three\n12) four\n3. five") == "one two three four five");
  CHECK(comparable_text("  a\n\n b\t\r\nc\xC2\xA0\xC2\xA0 d  ") == "a b c d");
  CHECK(comparable_text("line one\nline two") == comparable_text("line one line two"));
}

TEST_CASE("comparable_text removes a tag with attributes, but not text that only starts like one", "[diff][history]") {
  CHECK(comparable_text(R"(see <a href="https://example.org/x">the protocol</a>.)") == "see the protocol.");
  const std::string long_attribute = "<a title=\"" + std::string(1100, 'x') + "\">";
  CHECK(comparable_text(long_attribute + "text") == long_attribute + "text");
}

TEST_CASE("comparable_text keeps what is not markup", "[diff][history]") {
  for (const std::string_view text : {"-5 degrees", "1.5 mg", "2020-03-12", "a < b and c > d", "</= 72 hours", "<3 h",
                                      "<foo>bar</foo>", "x <p", "e.g. 1) site", "A-B+C", "50%", ""}) {
    INFO(text);
    CHECK(comparable_text(text) == text);
  }
}

TEST_CASE("comparable_form rewrites every string, keeps the rest, and drops derivedSection", "[diff][history]") {
  const auto form = comparable_form(R"({ "protocolSection": {"a&amp;b": "x &amp; y", "n": [1, 2.50, -3e2, true, null],
    "eligibilityCriteria": "<p>One</p>"}, "derivedSection": {"miscInfoModule": {"versionHolder": "2025-03-21"}},
    "hasResults": false })");
  REQUIRE(form.has_value());
  CHECK(*form == R"({"protocolSection":{"a&amp;b":"x & y","n":[1,2.5,-300.0,true,null],"eligibilityCriteria":"One"},)"
                 R"("hasResults":false})");
  // Only the study's own derivedSection goes.
  const auto nested = comparable_form(R"({"x":{"derivedSection":1}})");
  REQUIRE(nested.has_value());
  CHECK(*nested == R"({"x":{"derivedSection":1}})");
}

TEST_CASE("comparable_form refuses what is not a JSON object", "[diff][history]") {
  for (const std::string_view json : {"", "[]", "\"text\"", "{", R"({"a":"\ud800"})"}) {
    INFO(json);
    const auto form = comparable_form(json);
    REQUIRE_FALSE(form.has_value());
    CHECK(form.error().code == Error::Code::unreadable);
  }
}
