// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/json.hpp"

#include "core/json_text.hpp"

#include <algorithm>
#include <cstdio>

namespace trialwatch::fakeregistry {

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : m_text(text) {}

  Json parse_document() {
    Json value = parse_value(0);
    skip_space();
    if (m_pos != m_text.size()) fail("unexpected text after the document");
    return value;
  }

 private:
  static constexpr int k_max_depth = 256;
  std::string_view m_text;
  std::size_t m_pos = 0;

  [[noreturn]] void fail(const char* what) const {
    throw JsonError(std::string("invalid JSON at offset ") + std::to_string(m_pos) + ": " + what);
  }

  void skip_space() {
    while (m_pos < m_text.size() &&
           (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
      ++m_pos;
  }

  char peek() {
    skip_space();
    if (m_pos >= m_text.size()) fail("unexpected end of input");
    return m_text[m_pos];
  }

  void expect_literal(std::string_view literal) {
    if (m_text.substr(m_pos, literal.size()) != literal) fail("unknown literal");
    m_pos += literal.size();
  }

  Json parse_value(int depth) {
    if (depth > k_max_depth) fail("nested too deeply");
    switch (peek()) {
      case '{':
        return parse_object(depth);
      case '[':
        return parse_array(depth);
      case '"':
        return Json::string(parse_string());
      case 't':
        expect_literal("true");
        return Json::boolean(true);
      case 'f':
        expect_literal("false");
        return Json::boolean(false);
      case 'n':
        expect_literal("null");
        return Json();
      default:
        return parse_number();
    }
  }

  Json parse_object(int depth) {
    Json object = Json::object();
    ++m_pos;
    if (peek() == '}') {
      ++m_pos;
      return object;
    }
    while (true) {
      if (peek() != '"') fail("expected a member name");
      std::string key = parse_string();
      if (peek() != ':') fail("expected ':'");
      ++m_pos;
      object.m_object.emplace_back(std::move(key), parse_value(depth + 1));
      const char next = peek();
      ++m_pos;
      if (next == '}') return object;
      if (next != ',') fail("expected ',' or '}'");
    }
  }

  Json parse_array(int depth) {
    Json array = Json::array();
    ++m_pos;
    if (peek() == ']') {
      ++m_pos;
      return array;
    }
    while (true) {
      array.m_array.push_back(parse_value(depth + 1));
      const char next = peek();
      ++m_pos;
      if (next == ']') return array;
      if (next != ',') fail("expected ',' or ']'");
    }
  }

  Json parse_number() {
    const std::size_t start = m_pos;
    auto digits = [this] {
      const std::size_t from = m_pos;
      while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
      return m_pos - from;
    };
    if (m_pos < m_text.size() && m_text[m_pos] == '-') ++m_pos;
    if (digits() == 0) fail("expected a value");
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
      ++m_pos;
      if (digits() == 0) fail("expected digits after '.'");
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
      ++m_pos;
      if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
      if (digits() == 0) fail("expected exponent digits");
    }
    return Json::number(std::string(m_text.substr(start, m_pos - start)));
  }

  unsigned parse_hex4() {
    if (m_pos + 4 > m_text.size()) fail("short \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = m_text[m_pos++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("bad hex digit in \\u escape");
    }
    return value;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string parse_string() {
    ++m_pos;  // opening quote
    std::string out;
    while (true) {
      if (m_pos >= m_text.size()) fail("unterminated string");
      const char c = m_text[m_pos++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (m_pos >= m_text.size()) fail("unterminated escape");
      const char e = m_text[m_pos++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          unsigned cp = parse_hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (m_text.substr(m_pos, 2) != "\\u") fail("lone high surrogate");
            m_pos += 2;
            const unsigned low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail("unknown escape");
      }
    }
  }
};

Json Json::parse(std::string_view text) { return JsonParser(text).parse_document(); }

Json Json::string(std::string value) {
  Json j;
  j.m_kind = Kind::string;
  j.m_text = std::move(value);
  return j;
}

Json Json::raw_string(std::string json_text) {
  Json j = string(std::move(json_text));
  j.m_raw = true;
  return j;
}

Json Json::number(std::string text) {
  Json j;
  j.m_kind = Kind::number;
  j.m_text = std::move(text);
  return j;
}

Json Json::number(long long value) { return number(std::to_string(value)); }

Json Json::boolean(bool value) {
  Json j;
  j.m_kind = Kind::boolean;
  j.m_bool = value;
  return j;
}

Json Json::array() {
  Json j;
  j.m_kind = Kind::array;
  return j;
}

Json Json::object() {
  Json j;
  j.m_kind = Kind::object;
  return j;
}

const std::string& Json::text() const {
  if (m_kind != Kind::string && m_kind != Kind::number) throw JsonError("not a string or number");
  return m_text;
}

bool Json::as_bool() const {
  if (m_kind != Kind::boolean) throw JsonError("not a boolean");
  return m_bool;
}

Json::Array& Json::items() {
  if (m_kind != Kind::array) throw JsonError("not an array");
  return m_array;
}

const Json::Array& Json::items() const {
  if (m_kind != Kind::array) throw JsonError("not an array");
  return m_array;
}

Json::Object& Json::members() {
  if (m_kind != Kind::object) throw JsonError("not an object");
  return m_object;
}

const Json::Object& Json::members() const {
  if (m_kind != Kind::object) throw JsonError("not an object");
  return m_object;
}

Json* Json::find(std::string_view key) {
  if (m_kind != Kind::object) return nullptr;
  for (auto& [name, value] : m_object)
    if (name == key) return &value;
  return nullptr;
}

const Json* Json::find(std::string_view key) const { return const_cast<Json*>(this)->find(key); }

Json& Json::set(std::string_view key, Json value) {
  if (Json* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  return members().emplace_back(std::string(key), std::move(value)).second;
}

bool Json::erase(std::string_view key) {
  if (m_kind != Kind::object) return false;
  const auto it = std::find_if(m_object.begin(), m_object.end(), [&](const Member& m) { return m.first == key; });
  if (it == m_object.end()) return false;
  m_object.erase(it);
  return true;
}

Json& Json::push_back(Json value) { return items().emplace_back(std::move(value)); }

Json* Json::at_path(std::string_view dotted) {
  Json* node = this;
  while (node != nullptr && !dotted.empty()) {
    const auto dot = dotted.find('.');
    node = node->find(dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return node;
}

const Json* Json::at_path(std::string_view dotted) const { return const_cast<Json*>(this)->at_path(dotted); }

Json& Json::ensure_path(std::string_view dotted) {
  Json* node = this;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    const auto key = dotted.substr(0, dot);
    Json* child = node->find(key);
    if (child == nullptr || child->is_null()) child = &node->set(key, Json::object());
    node = child;
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return *node;
}

void Json::dump_to(std::string& out) const {
  switch (m_kind) {
    case Kind::null:
      out += "null";
      break;
    case Kind::boolean:
      out += m_bool ? "true" : "false";
      break;
    case Kind::number:
      out += m_text;
      break;
    case Kind::string:
      if (m_raw)
        out += '"' + m_text + '"';
      else
        core::append_json_quoted(out, m_text);
      break;
    case Kind::array:
      out.push_back('[');
      for (std::size_t i = 0; i < m_array.size(); ++i) {
        if (i > 0) out.push_back(',');
        m_array[i].dump_to(out);
      }
      out.push_back(']');
      break;
    case Kind::object:
      out.push_back('{');
      for (std::size_t i = 0; i < m_object.size(); ++i) {
        if (i > 0) out.push_back(',');
        core::append_json_quoted(out, m_object[i].first);
        out.push_back(':');
        m_object[i].second.dump_to(out);
      }
      out.push_back('}');
      break;
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

bool operator==(const Json& a, const Json& b) {
  if (a.m_kind != b.m_kind) return false;
  switch (a.m_kind) {
    case Json::Kind::null:
      return true;
    case Json::Kind::boolean:
      return a.m_bool == b.m_bool;
    case Json::Kind::number:
    case Json::Kind::string:
      return a.m_text == b.m_text && a.m_raw == b.m_raw;
    case Json::Kind::array:
      return a.m_array == b.m_array;
    case Json::Kind::object:
      return a.m_object == b.m_object;
  }
  return false;
}

bool Json::same_content(const Json& a, const Json& b) {
  if (a.m_kind != b.m_kind) return false;
  if (a.m_kind == Kind::array) {
    if (a.m_array.size() != b.m_array.size()) return false;
    for (std::size_t i = 0; i < a.m_array.size(); ++i)
      if (!same_content(a.m_array[i], b.m_array[i])) return false;
    return true;
  }
  if (a.m_kind == Kind::object) {
    if (a.m_object.size() != b.m_object.size()) return false;
    for (const auto& [key, value] : a.m_object) {
      const Json* other = b.find(key);
      if (other == nullptr || !same_content(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace trialwatch::fakeregistry
