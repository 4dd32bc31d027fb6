// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/query.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace trialwatch::fakeregistry {

struct ExpressionNode {
  enum class Kind { all_of, any_of, negation, phrase, area, range };
  Kind kind;
  std::vector<std::unique_ptr<ExpressionNode>> children;  // all_of, any_of, negation, area (one child)
  std::vector<std::string> words;                         // phrase
  std::string field;                                      // area, range
  std::string low, high;                                  // range
};

namespace {

using Node = ExpressionNode;
using NodePtr = std::unique_ptr<Node>;

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

struct Token {
  enum class Kind { word, phrase, open, close, and_op, or_op, not_op, area, range, end };
  Kind kind;
  std::string text;  // word/phrase text, area field
  std::string low, high;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : m_text(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      if (m_pos >= m_text.size()) break;
      out.push_back(next());
    }
    out.push_back(Token{Token::Kind::end, {}, {}, {}});
    return out;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;

  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
  }

  std::string bracketed(std::string_view keyword) {
    m_pos += keyword.size();
    const auto close = m_text.find(']', m_pos);
    if (close == std::string_view::npos) throw QueryError("Unclosed " + std::string(keyword) + " in query");
    std::string inside(m_text.substr(m_pos, close - m_pos));
    m_pos = close + 1;
    return inside;
  }

  Token next() {
    const char c = m_text[m_pos];
    if (c == '(') return ++m_pos, Token{Token::Kind::open, {}, {}, {}};
    if (c == ')') return ++m_pos, Token{Token::Kind::close, {}, {}, {}};
    if (c == '"') {
      const auto close = m_text.find('"', m_pos + 1);
      if (close == std::string_view::npos) throw QueryError("Unclosed quotation mark in query");
      std::string phrase(m_text.substr(m_pos + 1, close - m_pos - 1));
      m_pos = close + 1;
      return Token{Token::Kind::phrase, std::move(phrase), {}, {}};
    }
    if (m_text.substr(m_pos, 5) == "AREA[") return Token{Token::Kind::area, bracketed("AREA["), {}, {}};
    if (m_text.substr(m_pos, 6) == "RANGE[") {
      const std::string inside = bracketed("RANGE[");
      const auto comma = inside.find(',');
      if (comma == std::string::npos) throw QueryError("RANGE needs two bounds: RANGE[low,high]");
      auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
      };
      return Token{Token::Kind::range, {}, trim(inside.substr(0, comma)), trim(inside.substr(comma + 1))};
    }
    const std::size_t start = m_pos;
    while (m_pos < m_text.size() && !std::isspace(static_cast<unsigned char>(m_text[m_pos])) && m_text[m_pos] != '(' &&
           m_text[m_pos] != ')' && m_text[m_pos] != '"')
      ++m_pos;
    std::string word(m_text.substr(start, m_pos - start));
    if (word == "AND") return Token{Token::Kind::and_op, {}, {}, {}};
    if (word == "OR") return Token{Token::Kind::or_op, {}, {}, {}};
    if (word == "NOT") return Token{Token::Kind::not_op, {}, {}, {}};
    return Token{Token::Kind::word, std::move(word), {}, {}};
  }
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

  NodePtr parse() {
    if (peek().kind == Token::Kind::end) throw QueryError("Empty query expression");
    NodePtr root = parse_or();
    if (peek().kind != Token::Kind::end) throw QueryError("Unexpected text in query expression");
    return root;
  }

 private:
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;

  const Token& peek() const { return m_tokens[m_pos]; }
  Token take() { return m_tokens[m_pos++]; }

  static NodePtr make(Node::Kind kind) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    return node;
  }

  NodePtr parse_or() {
    NodePtr first = parse_and();
    if (peek().kind != Token::Kind::or_op) return first;
    NodePtr node = make(Node::Kind::any_of);
    node->children.push_back(std::move(first));
    while (peek().kind == Token::Kind::or_op) {
      take();
      node->children.push_back(parse_and());
    }
    return node;
  }

  bool starts_unary() const {
    switch (peek().kind) {
      case Token::Kind::word:
      case Token::Kind::phrase:
      case Token::Kind::open:
      case Token::Kind::not_op:
      case Token::Kind::area:
        return true;
      default:
        return false;
    }
  }

  NodePtr parse_and() {
    NodePtr first = parse_unary();
    if (peek().kind != Token::Kind::and_op && !starts_unary()) return first;
    NodePtr node = make(Node::Kind::all_of);
    node->children.push_back(std::move(first));
    while (peek().kind == Token::Kind::and_op || starts_unary()) {
      if (peek().kind == Token::Kind::and_op) take();
      node->children.push_back(parse_unary());
    }
    return node;
  }

  NodePtr parse_unary() {
    if (peek().kind == Token::Kind::not_op) {
      take();
      NodePtr node = make(Node::Kind::negation);
      node->children.push_back(parse_unary());
      return node;
    }
    return parse_primary();
  }

  NodePtr parse_primary() {
    Token token = take();
    switch (token.kind) {
      case Token::Kind::open: {
        NodePtr inner = parse_or();
        if (take().kind != Token::Kind::close) throw QueryError("Unbalanced parentheses in query expression");
        return inner;
      }
      case Token::Kind::word:
      case Token::Kind::phrase: {
        NodePtr node = make(Node::Kind::phrase);
        node->words = search_words(token.text);
        if (node->words.empty()) throw QueryError("Query term '" + token.text + "' has no searchable words");
        return node;
      }
      case Token::Kind::area: {
        if (peek().kind == Token::Kind::range) {
          Token range = take();
          NodePtr node = make(Node::Kind::range);
          node->field = token.text;
          node->low = range.low;
          node->high = range.high;
          return node;
        }
        NodePtr node = make(Node::Kind::area);
        node->field = token.text;
        node->children.push_back(parse_primary());
        return node;
      }
      default:
        throw QueryError("Error parsing query expression: expected a term");
    }
  }
};

bool phrase_in(const std::vector<std::string>& phrase, const std::vector<std::string>& words) {
  if (phrase.size() > words.size()) return false;
  return std::search(words.begin(), words.end(), phrase.begin(), phrase.end()) != words.end();
}

std::optional<double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool in_range(const std::string& value, const std::string& low, const std::string& high) {
  const auto v = as_number(value), lo = as_number(low), hi = as_number(high);
  if (v && (low == "MIN" || lo) && (high == "MAX" || hi))
    return (low == "MIN" || *v >= *lo) && (high == "MAX" || *v <= *hi);
  // Dates and other text compare as text; yyyy-MM-dd sorts correctly that way.
  return (low == "MIN" || value >= low) && (high == "MAX" || value <= high);
}

struct Evaluator {
  const Json& study;
  const FieldCatalogue& fields;

  std::vector<std::string> texts_of(const std::vector<std::string>& paths) const {
    std::vector<std::string> texts;
    for (const auto& path : paths) {
      if (path.empty())
        collect_all_strings(study, texts);
      else
        collect_leaves(study, path, texts);
    }
    return texts;
  }

  std::vector<std::string> field_paths(const std::string& field) const {
    auto path = fields.resolve(field);
    if (!path) throw QueryError("Error parsing query: Unknown area name " + field);
    return {*path};
  }

  bool eval(const Node& node, const std::vector<std::string>& paths) const {
    switch (node.kind) {
      case Node::Kind::all_of:
        return std::all_of(node.children.begin(), node.children.end(),
                           [&](const NodePtr& child) { return eval(*child, paths); });
      case Node::Kind::any_of:
        return std::any_of(node.children.begin(), node.children.end(),
                           [&](const NodePtr& child) { return eval(*child, paths); });
      case Node::Kind::negation:
        return !eval(*node.children.front(), paths);
      case Node::Kind::phrase: {
        for (const auto& text : texts_of(paths))
          if (phrase_in(node.words, search_words(text))) return true;
        return false;
      }
      case Node::Kind::area:
        return eval(*node.children.front(), field_paths(node.field));
      case Node::Kind::range: {
        for (const auto& value : texts_of(field_paths(node.field)))
          if (in_range(value, node.low, node.high)) return true;
        return false;
      }
    }
    return false;
  }
};

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_word_byte(byte)) {
      current.push_back(static_cast<char>(byte < 0x80 ? std::tolower(byte) : byte));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

const std::vector<std::string>& area_paths(SearchArea area) {
  static const std::vector<std::string> basic{""};
  static const std::vector<std::string> condition{
      "protocolSection.conditionsModule.conditions",      "protocolSection.conditionsModule.keywords",
      "protocolSection.identificationModule.briefTitle",  "protocolSection.identificationModule.officialTitle",
      "derivedSection.conditionBrowseModule.meshes.term", "derivedSection.conditionBrowseModule.ancestors.term"};
  static const std::vector<std::string> intervention{
      "protocolSection.armsInterventionsModule.interventions.name",
      "protocolSection.armsInterventionsModule.interventions.otherNames",
      "protocolSection.armsInterventionsModule.interventions.description",
      "protocolSection.armsInterventionsModule.armGroups.interventionNames",
      "derivedSection.interventionBrowseModule.meshes.term",
      "derivedSection.interventionBrowseModule.ancestors.term"};
  static const std::vector<std::string> title{"protocolSection.identificationModule.briefTitle",
                                              "protocolSection.identificationModule.officialTitle",
                                              "protocolSection.identificationModule.acronym"};
  static const std::vector<std::string> sponsor{"protocolSection.sponsorCollaboratorsModule.leadSponsor.name",
                                                "protocolSection.sponsorCollaboratorsModule.collaborators.name"};
  static const std::vector<std::string> id{
      "protocolSection.identificationModule.nctId", "protocolSection.identificationModule.nctIdAliases",
      "protocolSection.identificationModule.orgStudyIdInfo.id",
      "protocolSection.identificationModule.secondaryIdInfos.id", "protocolSection.identificationModule.acronym"};
  static const std::vector<std::string> location{"protocolSection.contactsLocationsModule.locations.facility",
                                                 "protocolSection.contactsLocationsModule.locations.city",
                                                 "protocolSection.contactsLocationsModule.locations.state",
                                                 "protocolSection.contactsLocationsModule.locations.country"};
  static const std::vector<std::string> outcome{"protocolSection.outcomesModule.primaryOutcomes.measure",
                                                "protocolSection.outcomesModule.secondaryOutcomes.measure",
                                                "protocolSection.outcomesModule.otherOutcomes.measure"};
  switch (area) {
    case SearchArea::basic:
      return basic;
    case SearchArea::condition:
      return condition;
    case SearchArea::intervention:
      return intervention;
    case SearchArea::title:
      return title;
    case SearchArea::sponsor:
      return sponsor;
    case SearchArea::id:
      return id;
    case SearchArea::location:
      return location;
    case SearchArea::outcome:
      return outcome;
  }
  return basic;
}

Expression::Expression(std::unique_ptr<ExpressionNode> root) : m_root(std::move(root)) {}
Expression::~Expression() = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;

Expression Expression::parse(std::string_view text) { return Expression(Parser(Lexer(text).tokens()).parse()); }

bool Expression::matches(const Json& study, SearchArea area, const FieldCatalogue& fields) const {
  return Evaluator{study, fields}.eval(*m_root, area_paths(area));
}

}  // namespace trialwatch::fakeregistry
