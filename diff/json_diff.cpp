// SPDX-License-Identifier: MIT
#include "diff/json_diff.hpp"

#include "core/json_text.hpp"
#include "diff/detail/array_trim.hpp"
#include "diff/detail/facts_reader.hpp"
#include "diff/detail/sections.hpp"
#include "diff/identity_keys.hpp"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace trialwatch::diff {

namespace dom = simdjson::dom;
using core::FieldChange;

struct StudyDiffer::Parsers {
  dom::parser before;
  dom::parser after;
  dom::parser record;                   // single records cut from an array, when their identity key is needed
  simdjson::ondemand::parser ondemand;  // splits, small facts documents
  // The document of the last read(): a padded copy, its sections (when it splits) and its facts.
  std::string after_text;
  std::string_view after_json;
  bool after_split = false;
  detail::Sections after_sections;
  std::optional<StudyFacts> after_facts;
  // Work buffers that only grow.
  std::string before_text;
  std::string scratch;
  std::string old_reduced;
  std::string new_reduced;

  // Read the facts of a document from its facts-bearing sections.
  core::Result<StudyFacts> facts_of(const detail::Sections& sections);
  // The fast path of compare() against the last read() document; nullopt when it cannot be taken.
  std::optional<Comparison> compare_sections(const detail::Sections& old_sections);
};

namespace {

bool is_scalar(dom::element e) {
  const auto type = e.type();
  return type != dom::element_type::OBJECT && type != dom::element_type::ARRAY;
}

bool is_number(dom::element_type type) {
  return type == dom::element_type::INT64 || type == dom::element_type::UINT64 || type == dom::element_type::DOUBLE;
}

bool same_scalar(dom::element a, dom::element b) {
  const auto type = a.type();
  if (type != b.type()) return is_number(type) && is_number(b.type()) && simdjson::minify(a) == simdjson::minify(b);
  switch (type) {
    case dom::element_type::STRING:
      return std::string_view(a) == std::string_view(b);
    case dom::element_type::INT64:
      return int64_t(a) == int64_t(b);
    case dom::element_type::UINT64:
      return uint64_t(a) == uint64_t(b);
    case dom::element_type::DOUBLE:
      return double(a) == double(b);
    case dom::element_type::BOOL:
      return bool(a) == bool(b);
    case dom::element_type::NULL_VALUE:
      return true;
    default:
      return false;
  }
}

// Text of a scalar for identity keys: strings without quotes, other scalars as JSON.
std::string key_text(dom::element e) {
  if (e.type() == dom::element_type::STRING) return std::string(std::string_view(e));
  return simdjson::minify(e);
}

// Restores a string to its previous length when it goes out of scope (path building without copies).
class PathMark {
 public:
  explicit PathMark(std::string& path) : m_path(path), m_size(path.size()) {}
  ~PathMark() { m_path.resize(m_size); }
  PathMark(const PathMark&) = delete;
  PathMark& operator=(const PathMark&) = delete;

 private:
  std::string& m_path;
  std::size_t m_size;
};

// Appends ".key" to a path and its key-free pattern for its lifetime.
class MemberScope {
 public:
  MemberScope(std::string& path, std::string& pattern, std::string_view key) : m_path(path), m_pattern(pattern) {
    append(path, key);
    append(pattern, key);
  }

 private:
  static void append(std::string& text, std::string_view key) {
    if (!text.empty()) text.push_back('.');
    text.append(key);
  }
  PathMark m_path;  // constructed (remembering the old lengths) before the body appends
  PathMark m_pattern;
};

// Records cut from the front of an array of both versions (detail::ArrayTrim), by the array's path.
struct CutRecords {
  std::string path;
  const detail::ArrayTrim* trim;
};

class Walker {
 public:
  explicit Walker(std::vector<FieldChange>& out) : m_out(out) {}
  // A walker of documents from which `cuts` were cut; `parser` reads the cut records whose keys are needed.
  Walker(std::vector<FieldChange>& out, std::vector<CutRecords> cuts, dom::parser& parser)
      : m_out(out), m_cuts(std::move(cuts)), m_record_parser(&parser) {}

  void compare(dom::element a, dom::element b) {
    if (m_pattern == k_version_holder_path) return;
    const auto type_a = a.type();
    const auto type_b = b.type();
    const bool objects = type_a == dom::element_type::OBJECT && type_b == dom::element_type::OBJECT;
    const bool arrays = type_a == dom::element_type::ARRAY && type_b == dom::element_type::ARRAY;
    // Most records and arrays did not change: an allocation-free equality check skips building paths, keying
    // records and counting sets for them.
    if ((objects || arrays) && deep_equal(a, b)) return;
    if (objects) return compare_objects(a, b);
    if (arrays) return compare_arrays(a, b);
    if (is_scalar(a) && is_scalar(b) && same_scalar(a, b)) return;
    emit(FieldChange::Op::replace, simdjson::minify(a), simdjson::minify(b));
  }

 private:
  std::vector<FieldChange>& m_out;
  std::vector<CutRecords> m_cuts;
  dom::parser* m_record_parser = nullptr;
  std::string m_path;
  std::string m_pattern;

  // The records cut from the front of the array at the current path (the same in both versions), if any.
  const detail::ArrayTrim* cut_here() const {
    for (const auto& cut : m_cuts)
      if (cut.path == m_path) return cut.trim;
    return nullptr;
  }

  void emit(FieldChange::Op op, std::string old_json, std::string new_json) {
    m_out.push_back(FieldChange{op, m_path, std::move(old_json), std::move(new_json)});
  }

  void emit_keyed(FieldChange::Op op, std::string_view key, dom::element value) {
    PathMark mark(m_path);
    append_key(key);
    if (op == FieldChange::Op::add)
      emit(op, {}, simdjson::minify(value));
    else
      emit(op, simdjson::minify(value), {});
  }

  void append_key(std::string_view key) {
    m_path.push_back('[');
    m_path.append(key);
    m_path.push_back(']');
  }

  void descend_member(std::string_view key, dom::element a, dom::element b) {
    MemberScope scope(m_path, m_pattern, key);
    compare(a, b);
  }

  void member_only_on_one_side(FieldChange::Op op, std::string_view key, dom::element value) {
    MemberScope scope(m_path, m_pattern, key);
    if (m_pattern == k_version_holder_path) return;
    if (op == FieldChange::Op::add)
      emit(op, {}, simdjson::minify(value));
    else
      emit(op, simdjson::minify(value), {});
  }

  // Say whether `a` and `b` are identical, member order included, without allocating (the common case).
  static bool deep_equal(dom::element a, dom::element b) {
    const auto type = a.type();
    if (type != b.type()) return false;
    if (type == dom::element_type::OBJECT) {
      const dom::object x = a.get_object().value_unsafe();
      const dom::object y = b.get_object().value_unsafe();
      if (x.size() != y.size()) return false;
      for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy) {
        const auto fx = *ix;
        const auto fy = *iy;
        if (fx.key != fy.key || !deep_equal(fx.value, fy.value)) return false;
      }
      return true;
    }
    if (type == dom::element_type::ARRAY) {
      const dom::array x = a.get_array().value_unsafe();
      const dom::array y = b.get_array().value_unsafe();
      if (x.size() != y.size()) return false;
      for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy)
        if (!deep_equal(*ix, *iy)) return false;
      return true;
    }
    return same_scalar(a, b);
  }

  void compare_objects(dom::object a, dom::object b) {
    // Members almost always keep their order: walk both in step while the keys agree.
    auto ia = a.begin();
    auto ib = b.begin();
    for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
      const auto fa = *ia;
      const auto fb = *ib;
      if (fa.key != fb.key) break;
      descend_member(fa.key, fa.value, fb.value);
    }
    if (ia == a.end() && ib == b.end()) return;
    // The rest by key. Keys are unique, so none of the rest can pair with a member matched above.
    compare_remaining(a, b, ia, ib);
  }

  void compare_remaining(dom::object a, dom::object b, dom::object::iterator ia, dom::object::iterator ib) {
    for (; ia != a.end(); ++ia) {
      const auto field = *ia;
      dom::element other;
      if (b.at_key(field.key).get(other) == simdjson::SUCCESS)
        descend_member(field.key, field.value, other);
      else
        member_only_on_one_side(FieldChange::Op::remove, field.key, field.value);
    }
    for (; ib != b.end(); ++ib) {
      const auto field = *ib;
      dom::element ignored;
      if (a.at_key(field.key).get(ignored) != simdjson::SUCCESS)
        member_only_on_one_side(FieldChange::Op::add, field.key, field.value);
    }
  }

  void compare_arrays(dom::array a, dom::array b) {
    // Records cut from the front are equal in both: they change no set difference, but count for the rule, the
    // keyed numbering and the positions.
    const detail::ArrayTrim* const cut = cut_here();
    const auto starts_with = [](std::string_view record, char c) { return record.front() == c; };
    bool scalars = true;
    bool cut_objects = true;
    for (const auto e : a) scalars = scalars && is_scalar(e);
    for (const auto e : b) scalars = scalars && is_scalar(e);
    if (cut)
      for (const auto record : cut->head) {
        scalars = scalars && !starts_with(record, '{') && !starts_with(record, '[');
        cut_objects = cut_objects && starts_with(record, '{');
      }
    const ArrayRule rule = array_rule(m_pattern, scalars);
    if (rule.kind == ArrayRule::Kind::set && scalars) return compare_sets(a, b);
    if (rule.kind == ArrayRule::Kind::keyed && all_objects(a) && all_objects(b) && cut_objects)
      return compare_keyed(a, b, rule, cut);
    compare_ordered(a, b, cut ? cut->head.size() : 0);
  }

  static bool all_objects(dom::array array) {
    for (const auto e : array)
      if (e.type() != dom::element_type::OBJECT) return false;
    return true;
  }

  void compare_sets(dom::array a, dom::array b) {
    emit_missing(a, b, FieldChange::Op::remove);
    emit_missing(b, a, FieldChange::Op::add);
  }

  // Emit `op` for each element of `from` that `other` lacks, counting duplicates.
  void emit_missing(dom::array from, dom::array other, FieldChange::Op op) {
    std::map<std::string, int> counts;
    for (const auto e : other) ++counts[simdjson::minify(e)];
    for (const auto e : from) {
      int& left = counts[simdjson::minify(e)];
      if (left > 0)
        --left;
      else
        emit_keyed(op, key_text(e), e);
    }
  }

  static std::string identity(dom::object record, const ArrayRule& rule) {
    std::string key;
    for (const auto field : rule.key_fields) {
      std::string_view alternatives = field;
      while (!alternatives.empty()) {
        const auto bar = alternatives.find('|');
        const auto name = alternatives.substr(0, bar);
        dom::element value;
        if (record.at_key(name).get(value) == simdjson::SUCCESS && is_scalar(value)) {
          if (!key.empty()) key += ", ";
          key += key_text(value);
          break;
        }
        alternatives = bar == std::string_view::npos ? std::string_view() : alternatives.substr(bar + 1);
      }
    }
    return key;
  }

  // Key the records of `records` from `first` on; the second record with the same key becomes "key #2", and so
  // on, counting the records before `first` (and those `cut` before them) as well, so the keys are those of keying
  // the whole array.
  std::vector<std::pair<std::string, dom::element>> keyed_records(const std::vector<dom::element>& records,
                                                                  std::size_t first, const ArrayRule& rule,
                                                                  const detail::ArrayTrim* cut) {
    std::vector<std::pair<std::string, dom::element>> keyed;
    std::unordered_map<std::string, int> seen;
    for (std::size_t i = first; i < records.size(); ++i) {
      keyed.emplace_back(identity(records[i], rule), records[i]);
      seen.emplace(keyed.back().first, 0);
    }
    for (std::size_t i = 0; i < first && !keyed.empty(); ++i)  // occurrences before `first` of the same keys
      if (const auto it = seen.find(identity(records[i], rule)); it != seen.end()) ++it->second;
    if (cut && !keyed.empty()) count_cut_keys(*cut, rule, seen);
    for (auto& [key, e] : keyed) {
      const int n = ++seen[key];
      if (n > 1 || key.empty()) key.append(key.empty() ? "#" : " #").append(std::to_string(n));
    }
    return keyed;
  }

  // Add to `seen` the cut records that have one of its keys; only those that could have one are read.
  void count_cut_keys(const detail::ArrayTrim& cut, const ArrayRule& rule, std::unordered_map<std::string, int>& seen) {
    std::vector<std::string_view> keys;
    for (const auto& [key, count] : seen) keys.push_back(key);
    for (const auto index : detail::KeyScreen(keys).candidates(cut.head)) {
      const auto text = cut.head[index];
      dom::element record;
      if (m_record_parser->parse(text.data(), text.size()).get(record) != simdjson::SUCCESS ||
          record.type() != dom::element_type::OBJECT)
        continue;  // cannot happen: the record is part of the later version, which was read whole
      if (const auto it = seen.find(identity(record, rule)); it != seen.end()) ++it->second;
    }
  }

  void compare_keyed(dom::array a, dom::array b, const ArrayRule& rule, const detail::ArrayTrim* cut) {
    // Records usually keep their places and change at the end (a site added): records equal in place at the
    // start pair with each other under their keys too (their numbering counts the same records), so only the
    // rest needs keying and matching.
    const std::vector<dom::element> xs(a.begin(), a.end());
    const std::vector<dom::element> ys(b.begin(), b.end());
    std::size_t head = 0;
    while (head < xs.size() && head < ys.size() && deep_equal(xs[head], ys[head])) ++head;
    const auto before = keyed_records(xs, head, rule, cut);
    const auto after = keyed_records(ys, head, rule, cut);
    std::unordered_map<std::string_view, dom::element> after_by_key;
    for (const auto& [key, e] : after) after_by_key.emplace(key, e);
    std::unordered_map<std::string_view, bool> before_keys;
    for (const auto& [key, e] : before) {
      before_keys.emplace(key, true);
      const auto it = after_by_key.find(key);
      if (it == after_by_key.end()) {
        emit_keyed(FieldChange::Op::remove, key, e);
      } else {
        PathMark mark(m_path);
        append_key(key);
        compare(e, it->second);
      }
    }
    for (const auto& [key, e] : after)
      if (before_keys.find(key) == before_keys.end()) emit_keyed(FieldChange::Op::add, key, e);
  }

  // Compare by position; `first` is the position of the first element (after records cut from the front).
  void compare_ordered(dom::array a, dom::array b, std::size_t first) {
    auto it_a = a.begin();
    auto it_b = b.begin();
    std::size_t index = first;
    for (; it_a != a.end() && it_b != b.end(); ++it_a, ++it_b, ++index) {
      PathMark mark(m_path);
      append_key(std::to_string(index));
      compare(*it_a, *it_b);
    }
    for (; it_a != a.end(); ++it_a, ++index) emit_keyed(FieldChange::Op::remove, std::to_string(index), *it_a);
    for (; it_b != b.end(); ++it_b, ++index) emit_keyed(FieldChange::Op::add, std::to_string(index), *it_b);
  }
};

core::Error parse_error(const char* which, simdjson::error_code code) {
  return core::Error{
      core::Error::Code::bad_response,
      std::string("the ") + which + " version of the study is not valid JSON: " + simdjson::error_message(code)};
}

}  // namespace

StudyDiffer::StudyDiffer() : m_parsers(std::make_unique<Parsers>()) {}
StudyDiffer::~StudyDiffer() = default;

namespace {

using detail::Member;
using detail::Sections;

bool has_equal(const std::vector<Member>& members, const std::string& key, std::string_view raw) {
  for (const auto& member : members)
    if (member.key == key) return member.raw == raw;
  return false;
}

void append_member(std::string& out, const std::string& key, std::string_view raw) {
  if (out.back() != '{') out.push_back(',');
  core::append_json_quoted(out, key);
  out.push_back(':');
  out.append(raw);
}

// Records cut from the front of an array of one changed module of both versions.
struct ModuleTrim {
  std::string module;
  detail::ArrayTrim trim;
};

// Modules smaller than this are parsed whole; a cut must spare at least this much text.
constexpr std::size_t k_min_cut_bytes = 8192;

// Write into `out` `mine` without the members that `other` holds with identical text, and without what `trims` cut:
// diffing the rest gives the same changes.
void reduced(const Sections& mine, const Sections& other, const std::vector<ModuleTrim>& trims, std::string& out) {
  out.assign("{");
  for (const auto& member : mine.top) {
    if (has_equal(other.top, member.key, member.raw)) continue;
    if (member.key == "protocolSection" && !mine.protocol.empty()) {
      std::string section = "{";
      for (const auto& module : mine.protocol) {
        if (has_equal(other.protocol, module.key, module.raw)) continue;
        const auto trim =
            std::find_if(trims.begin(), trims.end(), [&](const auto& t) { return t.module == module.key; });
        append_member(section, module.key, trim == trims.end() ? std::string(module.raw) : cut(module.raw, trim->trim));
      }
      append_member(out, member.key, section + "}");
    } else {
      append_member(out, member.key, member.raw);
    }
  }
  out.push_back('}');
}

// The records that can be cut from the front of an array in each big module that changed between `earlier` and
// `later`, whose text is in `later_buffer` (padded).
std::vector<ModuleTrim> trims_between(simdjson::ondemand::parser& parser, const std::string& later_buffer,
                                      const Sections& later, const Sections& earlier) {
  std::vector<ModuleTrim> trims;
  const char* const buffer_end = later_buffer.data() + later_buffer.size();
  for (const auto& module : later.protocol) {
    if (module.raw.size() < k_min_cut_bytes) continue;
    const auto old = std::find_if(earlier.protocol.begin(), earlier.protocol.end(),
                                  [&](const Member& m) { return m.key == module.key; });
    if (old == earlier.protocol.end() || old->raw == module.raw) continue;
    const auto capacity = static_cast<std::size_t>(buffer_end - module.raw.data());
    if (auto trim = detail::find_array_trim(parser, module.raw, capacity, old->raw, k_min_cut_bytes))
      trims.push_back(ModuleTrim{module.key, std::move(*trim)});
  }
  return trims;
}

// Write into `out` the parts of a study that StudyFacts reads, as a small document of their own.
void facts_document(const Sections& sections, std::string& out) {
  std::string protocol = "{";
  for (const auto& module : sections.protocol)
    if (module.key == "identificationModule" || module.key == "statusModule" || module.key == "designModule")
      append_member(protocol, module.key, module.raw);
  out.assign("{");
  append_member(out, "protocolSection", protocol + "}");
  for (const auto& member : sections.top)
    if (member.key == "annotationSection" || member.key == "hasResults") append_member(out, member.key, member.raw);
  out.push_back('}');
}

// Parse `text` (padded in place) with `parser` into `root`.
bool parse_padded(dom::parser& parser, std::string& text, dom::element& root) {
  const auto json = detail::pad(text);
  return parser.parse(json.data(), json.length(), false).get(root) == simdjson::SUCCESS;
}

}  // namespace

core::Result<StudyFacts> StudyDiffer::read(std::string_view after) {
  Parsers& p = *m_parsers;
  p.after_text.assign(after);
  const auto json = detail::pad(p.after_text);
  p.after_json = std::string_view(json.data(), json.length());
  p.after_sections.top.clear();
  p.after_sections.protocol.clear();
  p.after_facts.reset();
  p.after_split = detail::split_sections(p.ondemand, json, p.after_sections);
  if (p.after_split) {
    auto facts = p.facts_of(p.after_sections);
    if (facts) {
      p.after_facts = *facts;
      return facts;
    }
  }
  return detail::read_study_facts(p.ondemand, json);  // the reader of the whole document: its answer or its error
}

core::Result<StudyFacts> StudyDiffer::Parsers::facts_of(const detail::Sections& sections) {
  facts_document(sections, scratch);
  return detail::read_study_facts(ondemand, detail::pad(scratch));
}

std::optional<StudyDiffer::Comparison> StudyDiffer::Parsers::compare_sections(const detail::Sections& old_sections) {
  auto old_facts = facts_of(old_sections);
  if (!old_facts) return std::nullopt;
  const auto trims = trims_between(ondemand, after_text, after_sections, old_sections);
  reduced(old_sections, after_sections, trims, old_reduced);
  reduced(after_sections, old_sections, trims, new_reduced);
  dom::element a;
  dom::element b;
  if (!parse_padded(before, old_reduced, a) || !parse_padded(after, new_reduced, b)) return std::nullopt;
  Comparison comparison{{}, std::move(*old_facts), *after_facts};
  std::vector<CutRecords> cuts;
  for (const auto& t : trims) cuts.push_back(CutRecords{"protocolSection." + t.module + "." + t.trim.key, &t.trim});
  Walker(comparison.changes, std::move(cuts), record).compare(a, b);
  return comparison;
}

core::Result<StudyDiffer::Comparison> StudyDiffer::compare(std::string_view before, std::string_view after) {
  Parsers& p = *m_parsers;
  if (after != p.after_json) (void)read(after);
  // Fast path: most of a changed study is unchanged; diff only the sections whose text differs. The stored version
  // is split where it differs from the new one; whole when it does not line up.
  if (p.after_split && p.after_facts) {
    Sections old_sections;
    bool split = detail::align_sections(before, p.after_sections, old_sections, p.ondemand, p.scratch);
    if (!split) {
      old_sections = {};
      p.before_text.assign(before);
      split = detail::split_sections(p.ondemand, detail::pad(p.before_text), old_sections);
    }
    if (split)
      if (auto comparison = p.compare_sections(old_sections)) return std::move(*comparison);
  }
  // Anything unusual (not an object, invalid JSON): the whole documents, with a precise error.
  dom::element a;
  dom::element b;
  if (const auto error = m_parsers->before.parse(before.data(), before.size()).get(a))
    return parse_error("older", error);
  if (const auto error = m_parsers->after.parse(after.data(), after.size()).get(b)) return parse_error("newer", error);
  Comparison comparison;
  Walker(comparison.changes).compare(a, b);
  if (a.type() == dom::element_type::OBJECT) comparison.before = detail::facts_of(a);
  if (b.type() == dom::element_type::OBJECT) comparison.after = detail::facts_of(b);
  return comparison;
}

core::Result<std::vector<FieldChange>> StudyDiffer::diff(std::string_view before, std::string_view after) {
  auto comparison = compare(before, after);
  if (!comparison) return std::move(comparison).error();
  return std::move(comparison->changes);
}

}  // namespace trialwatch::diff
