// SPDX-License-Identifier: MIT
#include "notify/template.hpp"

#include "core/safe_text.hpp"

#include <fmt/format.h>

namespace trialwatch::notify {

namespace {

using core::Error;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string known_tokens(const TemplateValues& values) {
  std::string list;
  for (const auto& [name, value] : values) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list.empty() ? "none" : list;
}

// Characters that start or end Markdown formatting anywhere in a line: emphasis, code, links, images, HTML and
// autolinks, strikethrough, tables, and the backslash itself.
bool is_inline_markdown(char c) {
  switch (c) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '~':
    case '[':
    case ']':
    case '(':
    case ')':
    case '<':
    case '>':
    case '!':
    case '|':
    case '#':
      return true;
    default:
      return false;
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string escape_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_inline_markdown(c)) {
      out.push_back('\\');
    } else if (line_start && (c == '-' || c == '+' || c == '=')) {
      out.push_back('\\');  // a list item or a heading underline
    } else if (line_start && is_digit(c)) {
      // An ordered list marker ("12. " or "12) "): escape its punctuation.
      std::size_t end = i;
      while (end < text.size() && is_digit(text[end])) ++end;
      out.append(text.substr(i, end - i));
      i = end - 1;
      if (end < text.size() && (text[end] == '.' || text[end] == ')')) {
        out.push_back('\\');
        out.push_back(text[end]);
        i = end;
      }
      line_start = false;
      continue;
    }
    out.push_back(c);
    if (c == '\n')
      line_start = true;
    else if (c != ' ' && c != '\t')
      line_start = false;
  }
  return out;
}

std::string escape_html(std::string_view text) { return core::for_html(text); }

core::Result<std::string> render(std::string_view template_text, const TemplateValues& values, Escaping escaping) {
  std::string out;
  out.reserve(template_text.size() * 2);
  std::size_t pos = 0;
  while (pos < template_text.size()) {
    const auto open = template_text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(template_text.substr(pos));
      break;
    }
    out.append(template_text.substr(pos, open - pos));
    const auto close = template_text.find("}}", open + 2);
    if (close == std::string_view::npos)
      return Error{Error::Code::invalid_input,
                   fmt::format("template has '{{{{' at offset {} without a closing '}}}}'", open)};
    const auto name = trim(template_text.substr(open + 2, close - open - 2));
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos)
      return Error{Error::Code::invalid_input,
                   fmt::format("template has '{}' at offset {}, which is not a token name; use lowercase letters, "
                               "digits and underscores, e.g. {{{{nct_id}}}}",
                               template_text.substr(open, close + 2 - open), open)};
    const auto value = values.find(name);
    if (value == values.end())
      return Error{Error::Code::invalid_input,
                   fmt::format("template uses unknown token {{{{{}}}}}; known tokens: {}", name, known_tokens(values))};
    switch (escaping) {
      case Escaping::none:
        out += value->second;
        break;
      case Escaping::markdown:
        out += escape_markdown(value->second);
        break;
      case Escaping::html:
        out += escape_html(value->second);
        break;
    }
    pos = close + 2;
  }
  return out;
}

}  // namespace trialwatch::notify
