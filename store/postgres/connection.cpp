// SPDX-License-Identifier: MIT
#include "store/postgres/connection.hpp"

#include "core/safe_text.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <vector>

namespace trialwatch::store::postgres {

namespace {

using Kind = StoreError::Kind;

// Type OIDs (pg_type.dat) of the values the accessors decode in binary format.
constexpr Oid k_int2 = 21, k_int4 = 23, k_int8 = 20, k_bytea = 17;
constexpr Oid k_textual[] = {25 /* text */, 1043 /* varchar */, 1042 /* bpchar */,
                             19 /* name */, 705 /* unknown */,  114 /* json */};

// Return the value of `keyword` in `uri` ("" if none or if it does not parse).
std::string uri_option(const std::string& uri, std::string_view keyword) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  std::string value;
  for (const auto* option = options; option != nullptr && option->keyword != nullptr; ++option)
    if (option->keyword == keyword && option->val != nullptr) value = option->val;
  if (options != nullptr) PQconninfoFree(options);
  return value;
}

// Return the pieces of text in `uri` that may be a password, longest first: the one libpq reads from it, and, as
// typed (so also when the URI does not parse), what follows "user:" up to the last '@' and what follows
// "password=", each whole and cut at the characters libpq splits or decodes at, so that a piece libpq quotes in a
// message ("invalid percent-encoded token", a host name after a stray '@') is found too.
std::vector<std::string> password_pieces(const std::string& uri) {
  std::vector<std::string> typed;
  if (const auto parsed = uri_option(uri, "password"); !parsed.empty()) typed.push_back(parsed);
  if (const auto scheme = uri.find("://"); scheme != std::string::npos) {
    const auto at = uri.rfind('@');
    const auto colon = uri.find(':', scheme + 3);
    if (at != std::string::npos && at > scheme && colon < at) typed.push_back(uri.substr(colon + 1, at - colon - 1));
  }
  for (auto key = uri.find("password"); key != std::string::npos; key = uri.find("password", key + 1)) {
    auto value = uri.find_first_not_of(" =", key + 8);
    if (value == std::string::npos || uri.find('=', key + 8) > value) continue;
    typed.push_back(uri.substr(value, uri.find_first_of("& ", value) - value));
  }
  std::vector<std::string> pieces;
  for (const auto& whole : typed) {
    pieces.push_back(whole);
    for (std::size_t start = 0; start < whole.size();) {
      const auto end = std::min(whole.find_first_of("@/:?&#%='\\", start), whole.size());
      if (end - start >= 3) pieces.push_back(whole.substr(start, end - start));
      start = end + 1;
    }
  }
  std::erase_if(pieces, [](const std::string& piece) { return piece.size() < 3; });
  std::ranges::sort(pieces, [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return pieces;
}

// Return the first line of libpq's `message`, with every password in it replaced (without_passwords()), safe for one
// line of a log.
std::string one_line(std::string_view message, const std::string& uri = {}) {
  std::string text(message.substr(0, message.find('\n')));
  while (!text.empty() && (text.back() == ' ' || text.back() == '.' || text.back() == '\r')) text.pop_back();
  return core::for_log_line(without_passwords(std::move(text), uri));
}

// Say whether the server's `reason` for refusing a connection says to come back later: too many clients, a server
// starting, stopping or recovering (SQLSTATE classes 53 and 57P; libpq hands out no SQLSTATE for a failed
// connection, so the server's English messages are matched, and any other refusal is taken as configuration).
bool says_try_later(std::string_view reason) {
  std::string lower(reason);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const std::string_view sign : {"too many clients", "too many connections", "connection slots are reserved",
                                      "not currently accepting connections", "is starting up", "is shutting down",
                                      "is in recovery mode", "not yet accepting connections"})
    if (lower.find(sign) != std::string::npos) return true;
  return false;
}

// Throw the StoreError for a connection to `uri` (with `keywords` and `values`, as it was made) that failed: a ping
// with the same parameters, its timeout included, tells an unreachable server from one that answered and refused.
[[noreturn]] void throw_connect_error(PGconn* connection, const std::string& uri, const char* const* keywords,
                                      const char* const* values) {
  const auto reason = one_line(PQerrorMessage(connection), uri);
  switch (PQpingParams(keywords, values, 1)) {
    case PQPING_NO_ATTEMPT:
      throw StoreError(Kind::access_denied,
                       fmt::format("the PostgreSQL connection URI cannot be used ({}); check its syntax (in a "
                                   "password, write @ as %40, / as %2F and % as %25)",
                                   reason));
    case PQPING_OK:
      if (says_try_later(reason))  // a wait (the daemon tries again), not a configuration
        throw StoreError(Kind::unreachable, fmt::format("the PostgreSQL server cannot take the connection now ({}); "
                                                        "trialwatchd tries again, or try again later",
                                                        reason));
      throw StoreError(Kind::access_denied,
                       fmt::format("the PostgreSQL server refused the connection ({}); check the role, its password "
                                   "(PGPASSFILE or the URI), the database name and the server's pg_hba.conf",
                                   reason));
    case PQPING_REJECT:
    case PQPING_NO_RESPONSE:
      break;
  }
  throw StoreError(Kind::unreachable,
                   fmt::format("cannot reach the PostgreSQL server ({}); check that it is running and that the URI "
                               "names its host and port",
                               reason));
}

// Throw the StoreError for a statement that failed on `connection` with `result` (null when libpq made none).
[[noreturn]] void throw_statement_error(PGconn* connection, const PGresult* result) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string code = sqlstate != nullptr ? sqlstate : "";
  const auto reason = one_line(primary != nullptr ? primary : PQerrorMessage(connection));
  // No SQLSTATE: libpq itself failed, which (but for out of memory) means the connection broke, and libpq may mark
  // it bad only on its next use.
  if (PQstatus(connection) == CONNECTION_BAD || code.empty() || code.starts_with("08") || code.starts_with("57P"))
    throw StoreError(Kind::unreachable, fmt::format("lost the connection to the PostgreSQL server ({}); check that "
                                                    "it is running, then try again",
                                                    reason));
  if (code.starts_with("28") || code == "42501" || code == "25006")
    throw StoreError(Kind::access_denied, fmt::format("the PostgreSQL server refused a statement ({}); check that the "
                                                      "URI names a role with the rights needed, on the primary "
                                                      "server if it writes",
                                                      reason));
  throw StoreError(Kind::io,
                   fmt::format("a PostgreSQL statement failed ({}, SQLSTATE {}); see the server's log", reason, code));
}

// Drop the server's notices (a ROLLBACK outside a transaction...): the store reports what matters as StoreError.
void ignore_notice(void*, const char*) {}

}  // namespace

std::string without_passwords(std::string text, const std::string& uri) {
  for (const auto& piece : password_pieces(uri))
    for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 3))
      text.replace(at, piece.size(), "***");
  static const std::regex key_value(R"(password\s*=\s*('([^'\\]|\\.)*'|[^\s&]+))", std::regex::icase);
  static const std::regex userinfo(R"(://([^:/@\s]*):[^@\s]*@)");
  return std::regex_replace(std::regex_replace(text, key_value, "password=***"), userinfo, "://$1:***@");
}

std::int64_t Result::affected_rows() const {
  const std::string_view count = PQcmdTuples(m_result.get());
  std::int64_t value = 0;
  std::from_chars(count.data(), count.data() + count.size(), value);
  return value;
}

bool Result::is_null(int row, int column) const {
  (void)cell_or_null(row, column);
  return PQgetisnull(m_result.get(), row, column) != 0;
}

std::string Result::text(int row, int column) const {
  const auto value = cell(row, column);
  if (PQfformat(m_result.get(), column) == 1 &&
      std::ranges::find(k_textual, PQftype(m_result.get(), column)) == std::end(k_textual))
    throw std::logic_error(fmt::format("column {} is not text in a binary result", PQfname(m_result.get(), column)));
  return std::string(value);
}

std::int64_t Result::int64(int row, int column) const {
  const auto value = cell(row, column);
  if (PQfformat(m_result.get(), column) == 1) {
    const Oid type = PQftype(m_result.get(), column);
    const std::size_t size = type == k_int8 ? 8 : type == k_int4 ? 4 : type == k_int2 ? 2 : 0;
    if (size == 0 || value.size() != size)
      throw std::logic_error(fmt::format("column {} is not an integer", PQfname(m_result.get(), column)));
    std::uint64_t bits = 0;
    for (const char byte : value) bits = (bits << 8) | static_cast<unsigned char>(byte);
    const unsigned shift = 64 - 8 * static_cast<unsigned>(size);  // sign-extend the big-endian two's complement
    return static_cast<std::int64_t>(bits << shift) >> shift;
  }
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size())
    throw std::logic_error(fmt::format("column {} is not an integer", PQfname(m_result.get(), column)));
  return number;
}

std::string Result::bytea(int row, int column) const {
  const auto value = cell(row, column);
  if (PQftype(m_result.get(), column) != k_bytea)
    throw std::logic_error(fmt::format("column {} is not bytea", PQfname(m_result.get(), column)));
  if (PQfformat(m_result.get(), column) == 1) return std::string(value);
  std::size_t size = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value.data()), &size);
  if (bytes == nullptr) throw StoreError(Kind::io, "out of memory for a PostgreSQL bytea value");
  std::string copy(reinterpret_cast<const char*>(bytes), size);
  PQfreemem(bytes);
  return copy;
}

std::string_view Result::cell_or_null(int row, int column) const {
  if (row < 0 || row >= rows() || column < 0 || column >= columns())
    throw std::out_of_range(
        fmt::format("no cell at row {}, column {} of a {}x{} result", row, column, rows(), columns()));
  return {PQgetvalue(m_result.get(), row, column), static_cast<std::size_t>(PQgetlength(m_result.get(), row, column))};
}

std::string_view Result::cell(int row, int column) const {
  const auto value = cell_or_null(row, column);
  if (PQgetisnull(m_result.get(), row, column) != 0)
    throw StoreError(Kind::corrupt, fmt::format("the PostgreSQL database holds NULL in column {}, where trialwatch "
                                                "always writes a value; restore it from a backup",
                                                one_line(PQfname(m_result.get(), column))));
  return value;
}

Connection Connection::open(const std::string& uri, const std::string& server_options) {
  // Settings travel in the startup packet, not as SETs after it: a round trip each saved on every command.
  // libpq applies the keywords in order, the URI expanded where `dbname` stands: what it says of
  // application_name wins, and the encoding and the options come after it.
  std::string options = server_options;
  if (!options.empty()) {
    const std::string own = uri_option(uri, "options");
    const char* environment = std::getenv("PGOPTIONS");
    const std::string theirs = !own.empty() ? own : environment != nullptr ? environment : "";
    if (!theirs.empty()) options = theirs + " " + options;
  }
  // Defaults before the URI, which may set its own: a connection attempt gives up after 10 s (PGCONNECT_TIMEOUT
  // when set), and a server that stops answering mid-statement is noticed within about two minutes.
  const char* timeout = std::getenv("PGCONNECT_TIMEOUT");
  const char* keywords[] = {"fallback_application_name", "connect_timeout",  "keepalives_idle",
                            "keepalives_interval",       "keepalives_count", "dbname",
                            "client_encoding",           "options",          nullptr};
  const char* values[] = {
      "trialwatch", timeout != nullptr ? timeout : "10", "60", "10", "6", uri.c_str(), "UTF8", options.c_str(),
      nullptr};
  if (options.empty()) keywords[7] = nullptr;
  PGconn* raw = PQconnectdbParams(keywords, values, 1);
  if (raw == nullptr) throw StoreError(Kind::io, "out of memory for a PostgreSQL connection");
  Connection connection(raw);
  if (PQstatus(raw) != CONNECTION_OK) throw_connect_error(raw, uri, keywords, values);
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  return connection;
}

Result Connection::exec_params(const std::string& sql, std::span<const Param> params, ResultFormat format) {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& param : params) {
    types.push_back(param.type());
    values.push_back(param.is_null() ? nullptr : param.value().data());
    lengths.push_back(static_cast<int>(param.value().size()));
    formats.push_back(param.is_binary() ? 1 : 0);
  }
  // Text values are passed with their lengths ignored by libpq, so each must end at its NUL: copy the borrowed ones.
  std::vector<std::string> terminated;
  terminated.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    if (values[i] != nullptr && formats[i] == 0) values[i] = terminated.emplace_back(params[i].value()).c_str();
  Result result(PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(params.size()), types.data(),
                             values.data(), lengths.data(), formats.data(), format == ResultFormat::binary ? 1 : 0));
  const auto status = PQresultStatus(result.native());
  if (result.native() == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK))
    throw_statement_error(m_connection.get(), result.native());
  return result;
}

Transaction::Transaction(Connection& connection, Mode mode) : m_connection(connection) {
  m_connection.exec(mode == Mode::read_only ? "START TRANSACTION READ ONLY" : "START TRANSACTION");
}

Transaction::~Transaction() {
  PGconn* connection = m_connection.native();
  if (m_open && PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) != PQTRANS_IDLE)
    PQclear(PQexec(connection, "ROLLBACK"));  // a failure here ends the session's transaction anyway
}

void Transaction::commit() {
  if (PQtransactionStatus(m_connection.native()) == PQTRANS_INERROR)
    throw StoreError(Kind::io, "a PostgreSQL transaction was rolled back because one of its statements failed");
  const auto result = m_connection.exec("COMMIT");
  m_open = false;
  if (std::string_view(PQcmdStatus(const_cast<PGresult*>(result.native()))) != "COMMIT")
    throw StoreError(Kind::io, "the PostgreSQL server rolled a transaction back instead of committing it");
}

bool try_advisory_lock(Connection& connection, std::int64_t key) {
  return connection.exec("SELECT pg_try_advisory_lock($1)", key).text(0, 0) == "t";
}

}  // namespace trialwatch::store::postgres
