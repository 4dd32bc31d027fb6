// SPDX-License-Identifier: MIT
// Fuzz the output-context helpers of core/safe_text.hpp: whatever the input, no context lets through what it must
// not, and every result is valid UTF-8.

#include "core/safe_text.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace trialwatch::core;

void require(bool condition) {
  if (!condition) std::abort();
}

// True when `text` holds a C0 control or DEL, other than the characters in `allowed`.
bool has_control(std::string_view text, std::string_view allowed = {}) {
  for (const char c : text)
    if ((static_cast<unsigned char>(c) < 0x20 || c == 0x7F) && allowed.find(c) == std::string_view::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::string terminal = for_terminal(text);
  require(is_valid_utf8(terminal) && !has_control(terminal) && is_terminal_safe(terminal));
  require(is_terminal_safe(text) == (terminal == text));
  require(for_log_line(text) == terminal);

  const std::string xml = for_xml(text);
  require(is_valid_utf8(xml) && !has_control(xml, "\t\n\r") && xml.find('<') == std::string::npos);
  require(xml.find("\xEF\xBF\xBE") == std::string::npos && xml.find("\xEF\xBF\xBF") == std::string::npos);
  const std::string html = for_html(text);
  require(is_valid_utf8(html) && html.find('"') == std::string::npos && html.find('>') == std::string::npos);

  std::string header = for_mail_header(text);
  require(is_valid_utf8(header));
  for (std::size_t at; (at = header.find("\r\n ")) != std::string::npos;) header.erase(at, 2);  // folds
  require(!has_control(header));

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
