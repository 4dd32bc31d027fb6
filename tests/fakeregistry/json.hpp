// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trialwatch::fakeregistry {

// Thrown when text is not valid JSON.
class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A mutable JSON value for the fake registry, which edits documents (simdjson's DOM is read-only).
// Objects keep their key order and numbers keep their exact text, so a parse/dump round trip changes only
// white space.
class Json {
 public:
  // The six JSON kinds.
  enum class Kind { null, boolean, number, string, array, object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;

  // Create null.
  Json() = default;

  // Parse `text` (at most 256 levels deep); throw JsonError naming the offset of the first problem.
  static Json parse(std::string_view text);
  // Create a string value.
  static Json string(std::string value);
  // Create a string value from its JSON text between the quotes, dumped exactly as given: the way to serve a record
  // this parser (and the client's) refuses, e.g. raw_string("a \\ud800 lone surrogate"). text() returns `json_text`.
  static Json raw_string(std::string json_text);
  // Create a number from its JSON text, e.g. "42" or "-1.5e3".
  static Json number(std::string text);
  // Create a number from `value`.
  static Json number(long long value);
  // Create true or false.
  static Json boolean(bool value);
  // Create an empty array.
  static Json array();
  // Create an empty object.
  static Json object();

  // Return the kind of this value.
  Kind kind() const noexcept { return m_kind; }
  bool is_null() const noexcept { return m_kind == Kind::null; }
  bool is_string() const noexcept { return m_kind == Kind::string; }
  bool is_array() const noexcept { return m_kind == Kind::array; }
  bool is_object() const noexcept { return m_kind == Kind::object; }
  // Say whether this is a raw_string(), whose text() is JSON text to be served as given.
  bool is_raw() const noexcept { return m_raw; }

  // Return the text of a string, or the literal text of a number.
  const std::string& text() const;
  // Return the value of a boolean.
  bool as_bool() const;
  // Return the elements of an array.
  Array& items();
  const Array& items() const;
  // Return the members of an object, in document order.
  Object& members();
  const Object& members() const;

  // Return the member `key` of an object, or nullptr (also when this is not an object).
  Json* find(std::string_view key);
  const Json* find(std::string_view key) const;
  // Set member `key` to `value`, replacing it in place or appending it; return the stored value.
  Json& set(std::string_view key, Json value);
  // Remove member `key`; return whether it was there.
  bool erase(std::string_view key);
  // Append `value` to an array; return the stored value.
  Json& push_back(Json value);

  // Follow a dotted path of object keys ("protocolSection.statusModule"); nullptr if any step is missing.
  Json* at_path(std::string_view dotted);
  const Json* at_path(std::string_view dotted) const;
  // Follow a dotted path, creating empty objects for missing steps; return the value at its end.
  Json& ensure_path(std::string_view dotted);

  // Serialise compactly (no white space), as ClinicalTrials.gov serves documents.
  std::string dump() const;
  // Append the compact serialisation to `out`.
  void dump_to(std::string& out) const;

  // Compare structurally (object member order matters; numbers compare by text).
  friend bool operator==(const Json& a, const Json& b);

  // Compare structurally with object member order ignored (for "same document" assertions).
  static bool same_content(const Json& a, const Json& b);

 private:
  Kind m_kind = Kind::null;
  bool m_bool = false;
  bool m_raw = false;  // a string whose m_text is its JSON text (raw_string())
  std::string m_text;
  Array m_array;
  Object m_object;

  friend class JsonParser;
};

}  // namespace trialwatch::fakeregistry
