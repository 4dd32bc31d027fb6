// SPDX-License-Identifier: MIT
#include "core/safe_text.hpp"

#include "core/strings.hpp"

#include <fmt/format.h>

namespace trialwatch::core {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view k_ellipsis = "…";

// One decoded UTF-8 character, or one byte that does not start a valid one.
struct CodePoint {
  char32_t value;
  std::size_t length;
  bool valid;
};

// Decode the character at `at` strictly (no overlong forms, surrogates or values past U+10FFFF).
CodePoint decode(std::string_view text, std::size_t at) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, smallest = 0x10000;
  } else {
    return {lead, 1, false};
  }
  if (at + length > text.size()) return {lead, 1, false};
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(at + i);
    if ((next & 0xC0) != 0x80) return {lead, 1, false};
    value = (value << 6) | (next & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {lead, 1, false};
  return {value, length, true};
}

// C0, DEL and C1 controls.
bool is_control(char32_t c) noexcept { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// What a terminal or a log reader could act on: controls, line and paragraph separators, bidirectional overrides.
bool acts_on_terminal(char32_t c) noexcept {
  return is_control(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Append the visible escape of `c` (a character for_terminal() does not pass through) to `out`.
void append_visible(std::string& out, const CodePoint& c) {
  if (!c.valid || c.value < 0x80) {
    switch (c.value) {
      case '\n':
        out += "\\n";
        return;
      case '\r':
        out += "\\r";
        return;
      case '\t':
        out += "\\t";
        return;
      default:
        fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(c.value));
        return;
    }
  }
  fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c.value));
}

// Call `piece(out, code_point, text_of_it)` for each character of `text`.
template <typename Piece>
std::string transform(std::string_view text, Piece&& piece) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const CodePoint c = decode(text, at);
    piece(out, c, text.substr(at, c.length));
    at += c.length;
  }
  return out;
}

// Append `c` escaped for XML; `forbidden` says which valid characters are replaced by U+FFFD.
template <typename Forbidden>
void append_markup(std::string& out, const CodePoint& c, std::string_view bytes, Forbidden&& forbidden) {
  if (!c.valid || forbidden(c.value)) {
    out += k_replacement;
    return;
  }
  switch (c.value) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += bytes;
  }
}

bool forbidden_in_xml(char32_t c) noexcept {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF;
}

}  // namespace

std::string for_terminal(std::string_view text) {
  if (is_terminal_safe(text)) return std::string(text);
  return transform(text, [](std::string& out, const CodePoint& c, std::string_view bytes) {
    if (c.valid && !acts_on_terminal(c.value))
      out += bytes;
    else
      append_visible(out, c);
  });
}

std::string for_log_line(std::string_view text) { return for_terminal(text); }

bool is_terminal_safe(std::string_view text) noexcept {
  for (std::size_t at = 0; at < text.size();) {
    const unsigned char byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte < 0x7F) {  // printable ASCII, the common case
      ++at;
      continue;
    }
    const CodePoint c = decode(text, at);
    if (!c.valid || acts_on_terminal(c.value)) return false;
    at += c.length;
  }
  return true;
}

std::string for_mail_header(std::string_view text) {
  bool plain = text.find("=?") == std::string_view::npos;
  const std::string cleaned = transform(text, [&](std::string& out, const CodePoint& c, std::string_view bytes) {
    if (!c.valid) {
      out += k_replacement;
      plain = false;
    } else if (is_control(c.value) || c.value == 0x2028 || c.value == 0x2029) {
      out += ' ';
    } else {
      out += bytes;
      if (c.value >= 0x80) plain = false;
    }
  });
  if (plain && cleaned.size() <= 900) return cleaned;
  // Encoded words of at most 75 characters: "=?UTF-8?B?" + base64 of up to 45 bytes (60 characters) + "?=".
  constexpr std::size_t k_bytes_per_word = 45;
  std::string out;
  std::string_view rest = cleaned;
  while (!rest.empty()) {
    const std::string_view word = cut_utf8(rest, k_bytes_per_word);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + core::base64(word) + "?=";
    rest.remove_prefix(word.size());
  }
  return out;
}

std::string for_slack(std::string_view text, std::size_t max_bytes) {
  const auto escape = [](std::string& out, const CodePoint& c, std::string_view bytes) {
    if (!c.valid || (acts_on_terminal(c.value) && c.value != '\n'))
      append_visible(out, c);
    else if (c.value == '&')
      out += "&amp;";
    else if (c.value == '<')
      out += "&lt;";
    else if (c.value == '>')
      out += "&gt;";
    else
      out += bytes;
  };
  std::string whole = transform(text, escape);
  if (whole.size() <= max_bytes) return whole;
  // Too long: whole characters (and whole escapes) up to the room left for the ellipsis.
  const std::size_t room = max_bytes - std::min(max_bytes, k_ellipsis.size());
  std::string out;
  std::string piece;
  for (std::size_t at = 0; at < text.size();) {
    const CodePoint c = decode(text, at);
    piece.clear();
    escape(piece, c, text.substr(at, c.length));
    if (out.size() + piece.size() > room) break;
    out += piece;
    at += c.length;
  }
  if (max_bytes >= k_ellipsis.size()) out += k_ellipsis;
  return out;
}

std::string for_xml(std::string_view text) {
  return transform(text, [](std::string& out, const CodePoint& c, std::string_view bytes) {
    append_markup(out, c, bytes, forbidden_in_xml);
  });
}

std::string for_html(std::string_view text) {
  return transform(text, [](std::string& out, const CodePoint& c, std::string_view bytes) {
    append_markup(out, c, bytes,
                  [](char32_t value) { return forbidden_in_xml(value) || (value >= 0x7F && value <= 0x9F); });
  });
}

std::string to_valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  return transform(text, [](std::string& out, const CodePoint& c, std::string_view bytes) {
    out += c.valid ? bytes : k_replacement;
  });
}

bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t at = 0; at < text.size();) {
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    const CodePoint c = decode(text, at);
    if (!c.valid) return false;
    at += c.length;
  }
  return true;
}

std::string_view cut_utf8(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // text[end] starts a character
  return text.substr(0, end);
}

}  // namespace trialwatch::core
