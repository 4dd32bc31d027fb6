// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/fields.hpp"
#include "tests/fakeregistry/json.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::fakeregistry {

// Thrown when a search expression cannot be parsed; the message is the registry-style 400 text.
class QueryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Which part of a study a bare search term looks at (the registry's "search areas").
enum class SearchArea { basic, condition, intervention, title, sponsor, id, location, outcome };

// The JSON paths that make up `area`.
const std::vector<std::string>& area_paths(SearchArea area);

struct ExpressionNode;

// A parsed subset of the registry's Essie expression language: words and "quoted phrases" (case-insensitive,
// matched as whole-word sequences, so CAR-T matches "CAR T"), AND / OR / NOT / implicit AND, parentheses,
// AREA[Piece]term and AREA[Piece]RANGE[low,high] with MIN / MAX. Precedence: NOT, then AND, then OR.
class Expression {
 public:
  // Parse `text`; throw QueryError with a registry-style message when it is malformed.
  static Expression parse(std::string_view text);

  // Say whether `study` matches, with bare terms looking in `area` and AREA[...] resolved through `fields`.
  bool matches(const Json& study, SearchArea area, const FieldCatalogue& fields) const;

  ~Expression();
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;

 private:
  explicit Expression(std::unique_ptr<ExpressionNode> root);
  std::unique_ptr<ExpressionNode> m_root;
};

// Split `text` into lower-case words: runs of ASCII letters, digits and non-ASCII bytes.
std::vector<std::string> search_words(std::string_view text);

}  // namespace trialwatch::fakeregistry
