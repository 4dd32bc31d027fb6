// SPDX-License-Identifier: MIT
#pragma once

#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <string>
#include <vector>

namespace trialwatch::testing {

// The store engines a test can run on.
enum class TestEngine { sqlite, postgres };

// Return "sqlite" or "postgresql", for test sections and messages.
const char* engine_name(TestEngine engine) noexcept;

// Return both engines, SQLite first: what GENERATE(from_range(...)) runs a test on.
std::vector<TestEngine> all_engines();

// A fresh, empty database for one test, as the --db value that names it: a file in a temporary folder, or a new
// database on this test process's PostgreSQL server (started at first use, stopped when the process exits), dropped
// again on destruction.
class TestDatabase {
 public:
  explicit TestDatabase(TestEngine engine);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Return the --db value: the SQLite file's path or the PostgreSQL URI.
  const std::string& location() const noexcept { return m_location; }
  // Return the engine.
  TestEngine engine() const noexcept { return m_engine; }
  // Run `sql` on this PostgreSQL database as the superuser (to create roles, grant, break things); throw
  // std::runtime_error with the server's message if it fails.
  void run_sql(const std::string& sql) const;
  // Return the URI of this PostgreSQL database for `user` with `password`.
  std::string uri_as(const std::string& user, const std::string& password) const;

  // Return the temporary folder the test may use for its other files.
  const std::filesystem::path& dir() const noexcept { return m_dir.path(); }

  // Return this process's PostgreSQL server, starting it at first use.
  static PostgresServer& server();

 private:
  TestEngine m_engine;
  TempDir m_dir;
  std::string m_database;  // the PostgreSQL database's name
  std::string m_location;
};

}  // namespace trialwatch::testing
