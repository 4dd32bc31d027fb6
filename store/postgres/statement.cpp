// SPDX-License-Identifier: MIT
#include "store/postgres/statement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace trialwatch::store::postgres {

namespace {

using Kind = StoreError::Kind;

constexpr Oid k_bool = 16, k_bytea = 17;

// Rewrite SQLite's placeholders for libpq: `?N` names parameter N, and each bare `?` the next number. Quoted text and
// identifiers are left alone. Set `used` to the numbers the text names, in increasing order; the placeholder of
// parameter used[K - 1] becomes `$K`, so that a parameter the text does not name (whose type PostgreSQL could not
// infer) is not sent.
std::string numbered_placeholders(std::string_view sql, std::vector<int>& used) {
  std::vector<std::string> pieces(1);  // the text before, between and after the placeholders
  std::vector<int> numbers;            // the parameter each placeholder names
  int next = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      pieces.back() += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      pieces.back() += c;
      continue;
    }
    if (c != '?') {
      pieces.back() += c;
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
    int number = ++next;
    if (end > i + 1) std::from_chars(sql.data() + i + 1, sql.data() + end, number);
    numbers.push_back(number);
    pieces.emplace_back();
    i = end - 1;
  }
  used = numbers;
  std::ranges::sort(used);
  used.erase(std::unique(used.begin(), used.end()), used.end());
  std::string out = pieces.front();
  for (std::size_t k = 0; k < numbers.size(); ++k) {
    out += '$';
    out += std::to_string(std::ranges::lower_bound(used, numbers[k]) - used.begin() + 1);
    out += pieces[k + 1];
  }
  return out;
}

// A statement run with PQexecParams when first stepped; its rows are read from the whole result.
class PostgresStatement final : public detail::Statement {
 public:
  PostgresStatement(Session& session, std::string_view sql) : m_session(session) {
    m_sql = numbered_placeholders(sql, m_used);
    const auto parameters = static_cast<std::size_t>(m_used.empty() ? 0 : m_used.back());
    m_values.resize(parameters);
    m_binary.resize(parameters);
  }

  bool executeStep() override {
    if (!m_result) run();
    ++m_row;
    m_blobs.clear();
    return m_row < m_result->rows();
  }
  int exec() override {
    run();
    return static_cast<int>(m_result->affected_rows());
  }
  void reset() override {
    m_result.reset();
    m_row = -1;
    m_blobs.clear();
  }
  void clearBindings() override {
    for (auto& value : m_values) value.reset();
  }
  void release() noexcept override {
    reset();
    clearBindings();
  }

  bool is_null(int index) const override { return PQgetisnull(native(), m_row, checked(index)) != 0; }
  std::int64_t int64(int index) const override {
    if (is_null(index)) return 0;
    const std::string_view value = cell(index);
    if (PQftype(native(), index) == k_bool) return value == "t" ? 1 : 0;
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || (end != value.data() + value.size() && *end != '.'))
      throw StoreError(Kind::corrupt, fmt::format("the PostgreSQL database holds '{}' in column {}, where trialwatch "
                                                  "writes a number; restore it from a backup",
                                                  value.substr(0, 40), PQfname(native(), index)));
    return number;
  }
  std::string_view text(int index) const override { return is_null(index) ? std::string_view() : cell(index); }
  std::string_view blob(int index) const override {
    if (is_null(index)) return {};
    if (PQftype(native(), index) != k_bytea) return cell(index);
    for (const auto& [column, bytes] : m_blobs)
      if (column == index) return bytes;
    std::size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(cell(index).data()), &size);
    if (bytes == nullptr) throw StoreError(Kind::io, "out of memory for a PostgreSQL bytea value");
    auto& kept = m_blobs.emplace_back(index, std::string(reinterpret_cast<const char*>(bytes), size));
    PQfreemem(bytes);
    return kept.second;
  }

 private:
  void bind_null(int index) override { slot(index).reset(); }
  void bind_int64(int index, std::int64_t value) override { set(index, std::to_string(value), false); }
  void bind_text(int index, std::string_view text) override { set(index, std::string(text), false); }
  void bind_blob(int index, std::string_view bytes) override { set(index, std::string(bytes), true); }

  std::optional<std::string>& slot(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > m_values.size())
      throw std::out_of_range(fmt::format("no parameter {} in a statement of {}", index, m_values.size()));
    return m_values[static_cast<std::size_t>(index - 1)];
  }
  void set(int index, std::string value, bool binary) {
    slot(index) = std::move(value);
    m_binary[static_cast<std::size_t>(index - 1)] = binary;
  }

  void run() {
    reset();
    std::vector<Param> params;
    params.reserve(m_used.size());
    for (const int number : m_used) {
      const auto i = static_cast<std::size_t>(number - 1);
      if (!m_values[i])
        params.emplace_back(nullptr);
      else if (m_binary[i])
        params.emplace_back(Bytea{*m_values[i]});
      else
        params.emplace_back(std::string_view(*m_values[i]));
    }
    m_result.emplace(on_session(
        m_session, [&](Connection& connection) { return connection.exec_params(m_sql, params, ResultFormat::text); }));
  }

  const PGresult* native() const { return m_result->native(); }
  int checked(int index) const {
    if (!m_result || m_row < 0 || m_row >= m_result->rows() || index < 0 || index >= m_result->columns())
      throw std::out_of_range(fmt::format("no column {} in the current row", index));
    return index;
  }
  std::string_view cell(int index) const {
    return {PQgetvalue(native(), m_row, checked(index)), static_cast<std::size_t>(PQgetlength(native(), m_row, index))};
  }

  Session& m_session;
  std::string m_sql;
  std::vector<int> m_used;  // the parameters the SQL names, in the order it is sent them ($1, $2...)
  std::vector<std::optional<std::string>> m_values;
  std::vector<bool> m_binary;
  std::optional<Result> m_result;
  int m_row = -1;
  mutable std::vector<std::pair<int, std::string>> m_blobs;  // bytea values of the current row, decoded once
};

}  // namespace

std::unique_ptr<detail::Statement> make_statement(Session& session, std::string_view sql) {
  return std::make_unique<PostgresStatement>(session, sql);
}

}  // namespace trialwatch::store::postgres
