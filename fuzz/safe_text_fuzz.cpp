// SPDX-License-Identifier: MIT
// Fuzz the output-context helpers of core/safe_text.hpp: whatever the input, no context lets through what it must
// not, and every result is valid UTF-8.

#include "core/safe_text.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace trialwatch::core;

// Abort, naming the property that failed, unless `condition` holds.
void require(bool condition, int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "safe_text property at safe_text_fuzz.cpp:%d failed\n", line);
  std::abort();
}

// True when `text` holds a C0 control or DEL, other than the characters in `allowed`.
bool has_control(std::string_view text, std::string_view allowed = {}) {
  for (const char c : text)
    if ((static_cast<unsigned char>(c) < 0x20 || c == 0x7F) && allowed.find(c) == std::string_view::npos) return true;
  return false;
}

// The characters XML 1.0 allows of those has_control() looks for: tab, LF, CR and DEL.
constexpr std::string_view k_xml_controls = "\t\n\r\x7f";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::string terminal = for_terminal(text);
  require(is_valid_utf8(terminal) && !has_control(terminal) && is_terminal_safe(terminal));
  require(is_terminal_safe(text) == (terminal == text));
  require(for_log_line(text) == terminal);

  const std::string xml = for_xml(text);
  require(is_valid_utf8(xml) && !has_control(xml, k_xml_controls) && xml.find('<') == std::string::npos);
  require(xml.find("\xEF\xBF\xBE") == std::string::npos && xml.find("\xEF\xBF\xBF") == std::string::npos);
  const std::string html = for_html(text);
  require(is_valid_utf8(html) && html.find('"') == std::string::npos && html.find('>') == std::string::npos);

  const std::string header = for_mail_header(text);
  require(is_valid_utf8(header));
  for (std::size_t at = 0; at < header.size(); ++at)  // a CR or LF only as a fold: CR LF space
    if (header[at] == '\r' || header[at] == '\n') {
      require(header.compare(at, 3, "\r\n ") == 0);
      at += 2;
    }
  require(!has_control(header, "\r\n"));

  const std::size_t limit = size % 64;
  const std::string slack = for_slack(text, limit);
  require(slack.size() <= limit || limit < 3);
  require(is_valid_utf8(slack) && !has_control(slack, "\n") && slack.find('<') == std::string::npos);

  const std::string valid = to_valid_utf8(text);
  require(is_valid_utf8(valid) && (is_valid_utf8(text) == (valid == text)));
  const std::string_view prefix = cut_utf8(valid, limit);
  require(prefix.size() <= limit && is_valid_utf8(prefix) && valid.compare(0, prefix.size(), prefix) == 0);
  return 0;
}
