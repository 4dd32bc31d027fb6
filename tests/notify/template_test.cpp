// SPDX-License-Identifier: MIT
#include "notify/template.hpp"

#include <catch2/catch.hpp>

#include <string>

using trialwatch::core::Error;
using trialwatch::notify::escape_html;
using trialwatch::notify::escape_markdown;
using trialwatch::notify::Escaping;
using trialwatch::notify::render;
using trialwatch::notify::TemplateValues;

namespace {

const TemplateValues k_event = {
    {"nct_id", "NCT06613490"},
    {"type", "status_changed"},
    {"old", "RECRUITING"},
    {"new", "ACTIVE_NOT_RECRUITING"},
    {"title", "A <Phase 3> Study of Drug_X & \"Placebo\" in [Adults]"},
    {"study_url", "https://clinicaltrials.gov/study/NCT06613490"},
    {"empty", ""},
};

std::string must_render(std::string_view text, Escaping escaping = Escaping::none) {
  auto result = render(text, k_event, escaping);
  if (!result) FAIL(result.error().message);
  return *result;
}

}  // namespace

TEST_CASE("tokens are replaced by their values, the rest of the template is kept", "[notify][template]") {
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"{{nct_id}}: {{old}} -> {{new}}", "NCT06613490: RECRUITING -> ACTIVE_NOT_RECRUITING"},
      {"{{ nct_id }} and {{\tnct_id\t}}", "NCT06613490 and NCT06613490"},
      {"no tokens at all", "no tokens at all"},
      {"", ""},
      {"[{{empty}}]", "[]"},
      {"{{nct_id}}{{nct_id}}", "NCT06613490NCT06613490"},
      {"a } and }} and { stay", "a } and }} and { stay"},
  }));
  CAPTURE(text);
  CHECK(must_render(text) == expected);
}

TEST_CASE("a value that looks like a token is not expanded again", "[notify][template]") {
  const TemplateValues values = {{"a", "{{b}}"}, {"b", "B"}};
  auto result = render("{{a}}", values, Escaping::none);
  REQUIRE(result.has_value());
  CHECK(*result == "{{b}}");
}

TEST_CASE("an unknown token is an error that names it and the known ones", "[notify][template]") {
  auto result = render("Update for {{nct}}: {{type}}", k_event, Escaping::none);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Error::Code::invalid_input);
  CHECK_THAT(result.error().message, Catch::Contains("unknown token {{nct}}") && Catch::Contains("nct_id"));
}

TEST_CASE("an unclosed {{ is an error with its offset", "[notify][template]") {
  auto result = render("ok {{nct_id}} then {{title", k_event, Escaping::none);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Error::Code::invalid_input);
  CHECK_THAT(result.error().message, Catch::Contains("offset 19") && Catch::Contains("without a closing '}}'"));
}

TEST_CASE("a malformed token name is an error", "[notify][template]") {
  auto text = GENERATE(as<std::string>{}, "{{}}", "{{  }}", "{{NCT_ID}}", "{{nct-id}}", "{{nct id}}", "{{{nct_id}}}");
  CAPTURE(text);
  auto result = render(text, k_event, Escaping::none);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Error::Code::invalid_input);
  CHECK_THAT(result.error().message, Catch::Contains("not a token name"));
}

TEST_CASE("html escaping covers & < > \" ' in values but not in the template", "[notify][template]") {
  CHECK(escape_html(R"(a & b < c > d "e" 'f')") == "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
  CHECK(escape_html("&amp;") == "&amp;amp;");
  CHECK(must_render("<b>{{title}}</b>", Escaping::html) ==
        "<b>A &lt;Phase 3&gt; Study of Drug_X &amp; &quot;Placebo&quot; in [Adults]</b>");
}

TEST_CASE("markdown escaping neutralises formatting characters", "[notify][template]") {
  auto [input, expected] = GENERATE(table<std::string, std::string>({
      {"plain words 2024-01-03", "plain words 2024-01-03"},
      {"*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"},
      {"[link](http://x)", "\\[link\\]\\(http://x\\)"},
      {"![img](x)", "\\!\\[img\\]\\(x\\)"},
      {"<http://x> a|b ~~s~~", "\\<http://x\\> a\\|b \\~\\~s\\~\\~"},
      {"back\\slash", "back\\\\slash"},
      {"# heading", "\\# heading"},
      {"- item\n+ item\n  - nested", "\\- item\n\\+ item\n  \\- nested"},
      {"a - b + c", "a - b + c"},
      {"1. first\n12) second", "1\\. first\n12\\) second"},
      {"version 1.5", "version 1.5"},
      {"Drug_X", "Drug\\_X"},
  }));
  CAPTURE(input);
  CHECK(escape_markdown(input) == expected);
}

TEST_CASE("markdown rendering escapes values only", "[notify][template]") {
  CHECK(must_render("**{{nct_id}}** {{title}}", Escaping::markdown) ==
        "**NCT06613490** A \\<Phase 3\\> Study of Drug\\_X & \"Placebo\" in \\[Adults\\]");
  CHECK(must_render("{{new}}", Escaping::markdown) == "ACTIVE\\_NOT\\_RECRUITING");
  CHECK(must_render("{{new}}", Escaping::none) == "ACTIVE_NOT_RECRUITING");
}
