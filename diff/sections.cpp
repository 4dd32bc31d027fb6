// SPDX-License-Identifier: MIT
#include "diff/detail/sections.hpp"

#include "core/strings.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace trialwatch::diff::detail {

namespace ondemand = simdjson::ondemand;

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

simdjson::error_code raw_of(ondemand::value value, std::string_view& raw) {
  ondemand::json_type type;
  if (const auto error = value.type().get(type)) return error;
  if (type == ondemand::json_type::object) {
    ondemand::object object;
    if (const auto error = value.get_object().get(object)) return error;
    if (const auto error = object.raw_json().get(raw)) return error;
  } else if (type == ondemand::json_type::array) {
    ondemand::array array;
    if (const auto error = value.get_array().get(array)) return error;
    if (const auto error = array.raw_json().get(raw)) return error;
  } else {
    raw = value.raw_json_token();
  }
  raw = core::trim_json_space_right(raw);
  return simdjson::SUCCESS;
}

// Say whether `text` lies inside `region`.
bool inside(std::string_view text, std::string_view region) {
  const std::less_equal<const char*> not_after;
  return not_after(region.data(), text.data()) && not_after(text.data() + text.size(), region.data() + region.size());
}

// The text from `from` to the end of `last`.
std::string_view span(const char* from, std::string_view last) {
  return {from, static_cast<std::size_t>(last.data() + last.size() - from)};
}

// Split protocolSection's object `value` (its member starting at `key_quote`) into `modules`; false if it cannot.
bool split_protocol(ondemand::value value, const char* key_quote, const char* end, std::vector<Member>& modules,
                    Member& section) {
  const char* const open = value.raw_json_token().data();
  ondemand::object protocol;
  if (value.get_object().get(protocol)) return false;
  const std::size_t first = modules.size();
  for (auto module : protocol) {
    ondemand::raw_json_string raw_key;  // an error here (a malformed document) must not throw: checked first
    if (module.key().get(raw_key)) return false;
    const char* const quote = raw_key.raw() - 1;
    std::string_view key;
    ondemand::value module_value;
    std::string_view raw;
    if (module.unescaped_key().get(key) || module.value().get(module_value) || raw_of(module_value, raw)) return false;
    modules.push_back(Member{std::string(key), span(quote, raw), raw});
  }
  // The whole section's text, for the all-equal shortcut: from its first module to its last.
  section.raw = modules.size() == first ? std::string_view("{}") : span(modules[first].raw.data(), modules.back().raw);
  const char* p = modules.size() == first ? open + 1 : modules.back().raw.data() + modules.back().raw.size();
  while (p < end && is_space(*p)) ++p;
  if (p >= end || *p != '}') return false;
  section.text = std::string_view(key_quote, static_cast<std::size_t>(p + 1 - key_quote));
  return true;
}

// Where the value of `member` (the text of `"key":value`) starts.
std::size_t value_offset(std::string_view member) {
  std::size_t i = 1;  // after the key's opening quote
  while (i < member.size() && member[i] != '"') i += member[i] == '\\' ? 2 : 1;
  ++i;
  while (i < member.size() && (is_space(member[i]) || member[i] == ':')) ++i;
  return i;
}

// Lines `old` up with the sections of a later version of it (see align_sections()).
class Aligner {
 public:
  Aligner(std::string_view old, const Sections& theirs, Sections& out, ondemand::parser& parser, std::string& scratch)
      : m_old(old), m_theirs(theirs), m_out(out), m_parser(parser), m_scratch(scratch) {}

  bool run() {
    const std::size_t begin = skip_space(0);
    std::size_t end = m_old.size();
    while (end > begin && is_space(m_old[end - 1])) --end;
    if (begin + 2 > end || m_old[begin] != '{' || m_old[end - 1] != '}') return false;
    return align(Level::top, begin + 1, end - 1);
  }

 private:
  enum class Level { top, protocol };

  std::string_view m_old;
  const Sections& m_theirs;
  Sections& m_out;
  ondemand::parser& m_parser;
  std::string& m_scratch;

  std::size_t skip_space(std::size_t at) const {
    while (at < m_old.size() && is_space(m_old[at])) ++at;
    return at;
  }

  // Align the members of the object whose members start at `at` and whose closing brace is at `close`.
  bool align(Level level, std::size_t at, std::size_t close) {
    const auto& members = level == Level::top ? m_theirs.top : m_theirs.protocol;
    std::size_t i = 0;
    while (i < members.size()) {
      at = skip_space(at);
      const Member& member = members[i];
      if (same_at(at, close, member.text)) {
        take_equal(level, member, at);
        at += member.text.size();
        if (!next_member(at, close)) return false;
        ++i;
        continue;
      }
      if (level == Level::top && member.key == "protocolSection" && align_protocol(i, at, close)) {
        ++i;
        continue;
      }
      // The text differs here: split what lies before the next member found unchanged on its own.
      std::size_t next = close;
      std::size_t anchor = members.size();
      for (std::size_t j = i + 1; j < members.size() && anchor == members.size(); ++j)
        if (find(members[j], at, close, next)) anchor = j;
      std::size_t chunk_end = next;
      if (anchor < members.size() && !comma_before(at, chunk_end)) return false;
      if (!parse_chunk(level, at, chunk_end)) return false;
      at = next;
      i = anchor;
    }
    at = skip_space(at);
    return at >= close || parse_chunk(level, at, close);  // members the later version no longer has
  }

  // Say whether `text`, a member of the later version, stands complete at `at`.
  bool same_at(std::size_t at, std::size_t close, std::string_view text) const {
    if (at + text.size() > close || std::memcmp(m_old.data() + at, text.data(), text.size()) != 0) return false;
    const char next = m_old[at + text.size()];  // a number could go on: the value must end here
    return is_space(next) || next == ',' || next == '}';
  }

  // After a member: its comma (then `at` is the next member) or the closing brace.
  bool next_member(std::size_t& at, std::size_t close) const {
    at = skip_space(at);
    if (at == close) return true;
    if (at > close || m_old[at] != ',') return false;
    ++at;
    return true;
  }

  // Find the start of `member` between `at` and `close`; set `found` to it.
  bool find(const Member& member, std::size_t at, std::size_t close, std::size_t& found) const {
    const std::string_view needle = member.text.substr(0, 64);
    const auto first = m_old.begin() + static_cast<std::ptrdiff_t>(at);
    const auto last = m_old.begin() + static_cast<std::ptrdiff_t>(close);
    const auto hit = std::search(first, last, std::boyer_moore_horspool_searcher(needle.begin(), needle.end()));
    if (hit == last) return false;
    found = static_cast<std::size_t>(hit - m_old.begin());
    return true;
  }

  // Move `end`, the start of a member after `at`, back over white space and the comma before it.
  bool comma_before(std::size_t at, std::size_t& end) const {
    while (end > at && is_space(m_old[end - 1])) --end;
    if (end == at) return true;
    if (m_old[end - 1] != ',') return false;
    --end;
    return true;
  }

  // Point a span of the later version inside `member` at the same bytes of `old`, where `member` starts at `at`.
  std::string_view moved(std::string_view text, const Member& member, std::size_t at) const {
    if (!inside(text, member.text)) return text;  // "{}"
    return m_old.substr(at + static_cast<std::size_t>(text.data() - member.text.data()), text.size());
  }

  void take_equal(Level level, const Member& member, std::size_t at) {
    auto& into = level == Level::top ? m_out.top : m_out.protocol;
    into.push_back(Member{member.key, moved(member.text, member, at), moved(member.raw, member, at)});
    if (level != Level::top || member.key != "protocolSection") return;
    for (const auto& module : m_theirs.protocol)
      if (inside(module.text, member.text))
        m_out.protocol.push_back(Member{module.key, moved(module.text, member, at), moved(module.raw, member, at)});
  }

  // protocolSection changed: align its modules when it starts as the later version's and the member after it is
  // found (which bounds it); false if it cannot be lined up that way.
  bool align_protocol(std::size_t i, std::size_t& at, std::size_t close) {
    const Member& member = m_theirs.top[i];
    const std::size_t head = value_offset(member.text) + 1;  // through the opening brace
    if (head > member.text.size() || member.text[head - 1] != '{' || at + head > close ||
        m_old.compare(at, head, member.text.substr(0, head)) != 0)
      return false;
    std::size_t end = close;
    if (i + 1 < m_theirs.top.size() && (!find(m_theirs.top[i + 1], at + head, close, end) || !comma_before(at, end)))
      return false;
    while (end > at && is_space(m_old[end - 1])) --end;
    if (end <= at + head || m_old[end - 1] != '}') return false;
    const std::size_t first = m_out.protocol.size();
    std::size_t after = end;
    if (!align(Level::protocol, at + head, end - 1) || !next_member(after, close)) {
      m_out.protocol.resize(first);  // then the whole section is split as changed text
      return false;
    }
    const auto& modules = m_out.protocol;
    m_out.top.push_back(
        Member{member.key, m_old.substr(at, end - at),
               modules.size() == first ? std::string_view("{}") : span(modules[first].raw.data(), modules.back().raw)});
    at = after;
    return true;
  }

  // Split the members of `old` from `at` to `end` (no comma after the last) on their own.
  bool parse_chunk(Level level, std::size_t at, std::size_t end) {
    const std::string_view prefix = level == Level::top ? "{" : "{\"protocolSection\":{";
    m_scratch.assign(prefix);
    m_scratch.append(m_old.substr(at, end - at));
    m_scratch.append(level == Level::top ? "}" : "}}");
    Sections part;
    if (!split_sections(m_parser, pad(m_scratch), part)) return false;
    if (level == Level::protocol && (part.top.size() != 1 || part.top.front().key != "protocolSection")) return false;
    const std::string_view chunk(m_scratch.data() + prefix.size(), end - at);
    const auto back = [&](std::string_view text) {
      if (!inside(text, chunk)) return text;  // "{}"
      return m_old.substr(at + static_cast<std::size_t>(text.data() - chunk.data()), text.size());
    };
    if (level == Level::top)
      for (auto& member : part.top)
        m_out.top.push_back(Member{std::move(member.key), back(member.text), back(member.raw)});
    for (auto& module : part.protocol)
      m_out.protocol.push_back(Member{std::move(module.key), back(module.text), back(module.raw)});
    return true;
  }
};

}  // namespace

simdjson::padded_string_view pad(std::string& buffer) {
  const std::size_t size = buffer.size();
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  return simdjson::padded_string_view(buffer.data(), size, buffer.size());
}

bool split_sections(ondemand::parser& parser, simdjson::padded_string_view json, Sections& out) {
  ondemand::document document;
  ondemand::object root;
  if (parser.iterate(json).get(document) || document.get_object().get(root)) return false;
  const char* const end = json.data() + json.size();
  for (auto field : root) {
    ondemand::raw_json_string raw_key;
    if (field.key().get(raw_key)) return false;
    const char* const quote = raw_key.raw() - 1;
    std::string_view key;
    ondemand::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return false;
    Member member{std::string(key), {}, {}};
    if (member.key == "protocolSection") {
      if (!split_protocol(value, quote, end, out.protocol, member)) return false;
    } else {
      if (raw_of(value, member.raw)) return false;
      member.text = span(quote, member.raw);
    }
    out.top.push_back(std::move(member));
  }
  // Nothing may follow the root object: after the last member only white space, one '}', white space.
  const char* p = out.top.empty() ? json.data() : out.top.back().text.data() + out.top.back().text.size();
  if (out.top.empty()) {
    while (p < end && *p != '{') ++p;
    ++p;
  }
  auto skip_space = [&] {
    while (p < end && is_space(*p)) ++p;
  };
  skip_space();
  if (p >= end || *p != '}') return false;
  ++p;
  skip_space();
  return p == end;
}

bool align_sections(std::string_view old, const Sections& theirs, Sections& out, ondemand::parser& parser,
                    std::string& scratch) {
  return Aligner(old, theirs, out, parser, scratch).run();
}

}  // namespace trialwatch::diff::detail
