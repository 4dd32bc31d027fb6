// SPDX-License-Identifier: MIT
#include "core/json_text.hpp"

#include "core/safe_text.hpp"

#include <fmt/format.h>

namespace trialwatch::core {

void append_json_quoted(std::string& out, std::string_view text) {
  std::string valid;  // an error body or a damaged record may hold invalid UTF-8, which JSON cannot carry
  if (!is_valid_utf8(text)) text = valid = to_valid_utf8(text);
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out.push_back(c);
    }
  }
  out.push_back('"');
}

std::string json_quote(std::string_view text) {
  std::string out;
  append_json_quoted(out, text);
  return out;
}

std::string json_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_quoted(out, items[i]);
  }
  return out + "]";
}

}  // namespace trialwatch::core
