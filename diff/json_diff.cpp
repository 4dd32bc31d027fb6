// SPDX-License-Identifier: MIT
#include "diff/json_diff.hpp"

#include "diff/detail/facts_reader.hpp"
#include "diff/identity_keys.hpp"

#include <simdjson.h>

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

namespace trialwatch::diff {

namespace dom = simdjson::dom;
using core::FieldChange;

struct StudyDiffer::Parsers {
  dom::parser before;
  dom::parser after;
  // The document of the last successful read(), still in `after` while `after_read` holds: its text and root.
  std::string after_text;
  dom::element after_root;
  bool after_read = false;

  // A parser keeps memory for the largest document it read (several times its size); a daemon that met a 1.5 MB
  // record should not keep that for the small ones that follow.
  static constexpr std::size_t k_kept_capacity = 256 * 1024;
  static void keep_small(dom::parser& parser) {
    if (parser.capacity() <= k_kept_capacity) return;
    const auto shrunk = parser.allocate(k_kept_capacity);  // on failure the next parse allocates what it needs
    static_cast<void>(shrunk);
  }
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

class Walker {
 public:
  explicit Walker(std::vector<FieldChange>& out) : m_out(out) {}

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
  std::string m_path;
  std::string m_pattern;

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
    // Indexed once: at_key() scans, and a record whose thousands of members are reordered must not cost n².
    const auto a_members = members_by_key(a);
    const auto b_members = members_by_key(b);
    for (; ia != a.end(); ++ia) {
      const auto field = *ia;
      if (const auto other = b_members.find(field.key); other != b_members.end())
        descend_member(field.key, field.value, other->second);
      else
        member_only_on_one_side(FieldChange::Op::remove, field.key, field.value);
    }
    for (; ib != b.end(); ++ib) {
      const auto field = *ib;
      if (!a_members.contains(field.key)) member_only_on_one_side(FieldChange::Op::add, field.key, field.value);
    }
  }

  // The members of `object` by key; of a repeated key the first, as at_key() finds.
  static std::unordered_map<std::string_view, dom::element> members_by_key(dom::object object) {
    std::unordered_map<std::string_view, dom::element> members;
    members.reserve(object.size());
    for (const auto field : object) members.emplace(field.key, field.value);
    return members;
  }

  void compare_arrays(dom::array a, dom::array b) {
    bool scalars = true;
    for (const auto e : a) scalars = scalars && is_scalar(e);
    for (const auto e : b) scalars = scalars && is_scalar(e);
    const ArrayRule rule = array_rule(m_pattern, scalars);
    if (rule.kind == ArrayRule::Kind::set && scalars) return compare_sets(a, b);
    if (rule.kind == ArrayRule::Kind::keyed && all_objects(a) && all_objects(b)) return compare_keyed(a, b, rule);
    compare_ordered(a, b);
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
  // on, counting the records before `first` as well, so the keys are those of keying the whole array.
  static std::vector<std::pair<std::string, dom::element>> keyed_records(const std::vector<dom::element>& records,
                                                                         std::size_t first, const ArrayRule& rule) {
    std::vector<std::pair<std::string, dom::element>> keyed;
    std::unordered_map<std::string, int> seen;
    for (std::size_t i = first; i < records.size(); ++i) {
      keyed.emplace_back(identity(records[i], rule), records[i]);
      seen.emplace(keyed.back().first, 0);
    }
    for (std::size_t i = 0; i < first && !keyed.empty(); ++i)  // occurrences before `first` of the same keys
      if (const auto it = seen.find(identity(records[i], rule)); it != seen.end()) ++it->second;
    for (auto& [key, e] : keyed) {
      const int n = ++seen[key];
      if (n > 1 || key.empty()) key.append(key.empty() ? "#" : " #").append(std::to_string(n));
    }
    return keyed;
  }

  void compare_keyed(dom::array a, dom::array b, const ArrayRule& rule) {
    // Records usually keep their places and change at the end (a site added): records equal in place at the
    // start pair with each other under their keys too (their numbering counts the same records), so only the
    // rest needs keying and matching.
    const std::vector<dom::element> xs(a.begin(), a.end());
    const std::vector<dom::element> ys(b.begin(), b.end());
    std::size_t head = 0;
    while (head < xs.size() && head < ys.size() && deep_equal(xs[head], ys[head])) ++head;
    const auto before = keyed_records(xs, head, rule);
    const auto after = keyed_records(ys, head, rule);
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

  void compare_ordered(dom::array a, dom::array b) {
    auto it_a = a.begin();
    auto it_b = b.begin();
    std::size_t index = 0;
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

core::Result<StudyFacts> StudyDiffer::read(std::string_view after) {
  Parsers& p = *m_parsers;
  p.after_read = false;
  Parsers::keep_small(p.after);
  if (p.after_text.capacity() > Parsers::k_kept_capacity) std::string().swap(p.after_text);
  TW_TRY(root, detail::parse_study(p.after, after));
  p.after_text.assign(after);
  p.after_root = *root;
  p.after_read = true;
  return detail::facts_of(*root);
}

core::Result<StudyDiffer::Comparison> StudyDiffer::compare(std::string_view before, std::string_view after) {
  Parsers& p = *m_parsers;
  dom::element a;
  dom::element b = p.after_root;
  if (const auto error = p.before.parse(before.data(), before.size()).get(a)) return parse_error("older", error);
  if (!p.after_read || after != p.after_text) {  // not the document of the last read(): parse it
    p.after_read = false;
    if (const auto error = p.after.parse(after.data(), after.size()).get(b)) return parse_error("newer", error);
  }
  Comparison comparison;
  Walker(comparison.changes).compare(a, b);
  if (a.type() == dom::element_type::OBJECT) comparison.before = detail::facts_of(a);
  if (b.type() == dom::element_type::OBJECT) comparison.after = detail::facts_of(b);
  Parsers::keep_small(p.before);
  return comparison;
}

core::Result<std::vector<FieldChange>> StudyDiffer::diff(std::string_view before, std::string_view after) {
  TW_TRY(comparison, compare(before, after));
  return std::move(comparison->changes);
}

}  // namespace trialwatch::diff
