// SPDX-License-Identifier: MIT
#include "core/safe_text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace trialwatch::core;
using namespace std::string_literals;

namespace {

// True when `text` holds no byte below 0x20 and no DEL.
bool has_no_c0(const std::string& text) {
  for (const unsigned char c : text)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

}  // namespace

TEST_CASE("terminal text shows control characters instead of sending them", "[core][safe_text]") {
  CHECK(for_terminal("CAR-NK cells in ASyS") == "CAR-NK cells in ASyS");
  CHECK(for_terminal("Étude de phase 2 — 日本語") == "Étude de phase 2 — 日本語");
  CHECK(for_terminal("a\x1b]0;pwned\x07z") == "a\\x1b]0;pwned\\x07z");  // window title
  CHECK(for_terminal("line\r\nforged") == "line\\r\\nforged");
  CHECK(for_terminal("tab\there") == "tab\\there");
  CHECK(for_terminal("nul\0end"s) == "nul\\x00end");
  CHECK(for_terminal("del\x7f") == "del\\x7f");
  CHECK(for_terminal("8-bit CSI \xc2\x9b"
                     "2J") == "8-bit CSI \\u009b2J");  // U+009B encoded
  CHECK(for_terminal("raw CSI \x9b"
                     "2J") == "raw CSI \\x9b2J");  // invalid UTF-8 byte
  CHECK(for_terminal("abc\xe2\x80\xae"
                     "cba") == "abc\\u202ecba");  // right-to-left override
  CHECK(for_terminal("sep\xe2\x80\xa8"
                     "x") == "sep\\u2028x");
  CHECK(for_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // an encoded surrogate
  CHECK(for_terminal("\xc0\xaf") == "\\xc0\\xaf");           // overlong '/'
  CHECK(for_terminal("cut \xe6\x97") == "cut \\xe6\\x97");   // a character cut short
}

TEST_CASE("a log line cannot be split or given a journal priority", "[core][safe_text]") {
  const std::string line = for_log_line("title\n<3>forged error\r");
  CHECK(line == "title\\n<3>forged error\\r");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("is_terminal_safe agrees with for_terminal", "[core][safe_text]") {
  for (const std::string& text : {"plain"s, "Ünïcödé"s, "a\nb"s, "\x1b[2J"s, "\xc2\x9b"s, "\xff"s, ""s, "x\0"s}) {
    CAPTURE(text);
    CHECK(is_terminal_safe(text) == (for_terminal(text) == text));
  }
}

TEST_CASE("a mail header never carries CR or LF and encodes what is not plain ASCII", "[core][safe_text]") {
  CHECK(for_mail_header("NCT06613490 results posted") == "NCT06613490 results posted");
  const std::string injected = for_mail_header("Trial\r\nBcc: victim@example.org\r\nContent-Type: text/html");
  CHECK(injected == "Trial  Bcc: victim@example.org  Content-Type: text/html");
  CHECK(for_mail_header("Étude") == "=?UTF-8?B?w4l0dWRl?=");
  CHECK(for_mail_header("=?UTF-8?B?Zm9v?=") == "=?UTF-8?B?PT9VVEYtOD9CP1ptOXY/PQ==?=");  // no smuggled words
  SECTION("long text is folded into words of whole characters, each at most 75 characters") {
    std::string title;
    for (int i = 0; i < 40; ++i) title += "日本語";
    const std::string header = for_mail_header(title + "\nX: y");
    std::size_t start = 0;
    std::size_t words = 0;
    while (start < header.size()) {
      const auto end = header.find("\r\n ", start);
      const std::string word = header.substr(start, end == std::string::npos ? std::string::npos : end - start);
      CHECK(word.size() <= 75);
      CHECK(word.rfind("=?UTF-8?B?", 0) == 0);
      ++words;
      if (end == std::string::npos) break;
      start = end + 3;
    }
    CHECK(words > 1);
    for (std::size_t i = 0; i < header.size(); ++i)  // every CR is the start of a fold
      if (header[i] == '\r' || header[i] == '\n') CHECK(header.compare(i - (header[i] == '\n'), 3, "\r\n ") == 0);
  }
}

TEST_CASE("Slack text cannot form links or mentions and is cut on a character boundary", "[core][safe_text]") {
  CHECK(for_slack("a <!channel> & <https://evil|click>", 100) == "a &lt;!channel&gt; &amp; &lt;https://evil|click&gt;");
  CHECK(for_slack("two\nlines\x1b", 100) == "two\nlines\\x1b");
  const std::string cut = for_slack("日本語日本語", 10);  // 3 bytes a character, "…" is 3 bytes
  CHECK(cut == "日本…");
  CHECK(for_slack("a&b", 5) == "a…");  // an escape is never cut in half
  CHECK(for_slack("exact", 5) == "exact");
}

TEST_CASE("XML text drops what XML 1.0 forbids and escapes markup", "[core][safe_text]") {
  CHECK(for_xml("<b>&\"'</b>") == "&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;");
  CHECK(for_xml("bell\x07 ok\ttab") == "bell\xEF\xBF\xBD ok\ttab");
  CHECK(for_xml("\xef\xbf\xbe\xef\xbf\xbf") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFE, U+FFFF
  CHECK(for_xml("\xff") == "\xEF\xBF\xBD");
  CHECK(for_xml("nul\0"s) == "nul\xEF\xBF\xBD");
}

TEST_CASE("HTML text escapes markup and replaces C1 controls", "[core][safe_text]") {
  CHECK(for_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(for_html("\" onmouseover=\"x") == "&quot; onmouseover=&quot;x");
  CHECK(for_html("\xc2\x9b") == "\xEF\xBF\xBD");
}

TEST_CASE("no context lets a control character through", "[core][safe_text]") {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(has_no_c0(for_terminal(all)));
  CHECK(has_no_c0(for_log_line(all)));
  std::string slack = for_slack(all, 10'000);  // Slack keeps line feeds, and only those
  slack.erase(std::remove(slack.begin(), slack.end(), '\n'), slack.end());
  CHECK(has_no_c0(slack));
  std::string header = for_mail_header(all);
  for (std::size_t at; (at = header.find("\r\n ")) != std::string::npos;) header.erase(at, 2);
  CHECK(has_no_c0(header));
}

TEST_CASE("cut_utf8 never ends inside a character", "[core][safe_text]") {
  CHECK(cut_utf8("日本語", 4) == "日");
  CHECK(cut_utf8("日本語", 6) == "日本");
  CHECK(cut_utf8("abc", 10) == "abc");
  CHECK(cut_utf8("é", 1).empty());
}
