// SPDX-License-Identifier: MIT
#include "tests/support/test_database.hpp"

#include <fmt/format.h>

#include <atomic>
#include <libpq-fe.h>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace trialwatch::testing {

namespace {

// Run `sql` on `uri`; throw std::runtime_error with the server's message if it fails.
void execute_sql(const std::string& uri, const std::string& sql) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(uri.c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to the test PostgreSQL server: " +
                             std::string(PQerrorMessage(connection.get())));
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    throw std::runtime_error(fmt::format("{}: {}", sql, PQerrorMessage(connection.get())));
}

}  // namespace

const char* engine_name(TestEngine engine) noexcept { return engine == TestEngine::sqlite ? "sqlite" : "postgresql"; }

std::vector<TestEngine> all_engines() { return {TestEngine::sqlite, TestEngine::postgres}; }

PostgresServer& TestDatabase::server() {
  static PostgresServer server;  // one per test process: initdb costs a second or two
  return server;
}

TestDatabase::TestDatabase(TestEngine engine) : m_engine(engine) {
  if (engine == TestEngine::sqlite) {
    m_location = (m_dir.path() / "trialwatch.db").string();
    return;
  }
  static std::atomic<int> counter{0};
  m_database = fmt::format("test_{}_{}", ::getpid(), counter++);
  execute_sql(server().uri(), fmt::format("CREATE DATABASE {}", m_database));
  m_location = server().uri_of(m_database);
}

void TestDatabase::run_sql(const std::string& sql) const { execute_sql(m_location, sql); }

std::string TestDatabase::uri_as(const std::string& user, const std::string& password) const {
  return fmt::format("{}&password={}", server().uri_of(m_database, user), password);  // test passwords need no escaping
}

TestDatabase::~TestDatabase() {
  if (m_database.empty()) return;
  try {
    execute_sql(server().uri(), fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_database));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dropping the test database %s: %s\n", m_database.c_str(), error.what());
  }
}

}  // namespace trialwatch::testing
