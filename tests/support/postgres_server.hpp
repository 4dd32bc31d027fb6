// SPDX-License-Identifier: MIT
#pragma once

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>

namespace trialwatch::testing {

// A throw-away PostgreSQL server for tests: initdb in a temporary directory, the server listening only on a Unix
// socket in that directory (no TCP), fsync off, and a database "trialwatch". Run as `nobody` when this process is
// root (initdb refuses root, and CI runs as root). The superuser "trialwatch" connects without a password; every other
// role must give its password (scram-sha-256). Stopped and removed on destruction; if this process dies without
// unwinding, the kernel stops the server too (its parent-death signal is SIGQUIT, PostgreSQL's immediate shutdown).
// The superuser may also open replication connections, so replica_of() can make a streaming hot standby of a server.
class PostgresServer {
 public:
  // Create, start and wait for the server; throw std::runtime_error with the tools' output if a step fails.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Create and start a hot-standby replica of `primary` (pg_basebackup -R, streaming its WAL), on its own socket
  // directory; it answers read-only statements once started. Throw std::runtime_error if a step fails.
  static std::unique_ptr<PostgresServer> replica_of(const PostgresServer& primary);

  // Return a libpq URI for the database "trialwatch" as the superuser.
  std::string uri() const;
  // Return a libpq URI for `database` as `user` (no password), or as the superuser.
  std::string uri_of(const std::string& database, const std::string& user = {}) const;
  // Return a libpq URI for the database "trialwatch" as `user` with `password`.
  std::string uri(const std::string& user, const std::string& password) const;
  // Return the directory that holds the server's socket (and its data, under data/).
  const std::filesystem::path& socket_dir() const noexcept { return m_dir.path(); }
  // Return the postmaster's process id, or -1 while the server is stopped.
  pid_t pid() const noexcept;
  // Run `sql` on the database "trialwatch" as the superuser and return what it prints, one line per row, values
  // separated by '|' (psql's unaligned output), without the last newline; throw std::runtime_error if it fails.
  std::string query(const std::string& sql) const;

  // Stop the server at once (immediate shutdown: connections are cut, as in a crash); nothing if it is stopped.
  void stop();
  // Start the stopped server again on the same data and socket; nothing if it runs.
  void start();

 private:
  // What selects the replica's constructor.
  struct ReplicaTag {};
  // Create and start a hot-standby replica of `primary`.
  PostgresServer(const PostgresServer& primary, ReplicaTag);

  TempDir m_dir;
  std::unique_ptr<ChildProcess> m_postmaster;  // declared after m_dir: stopped before the directory goes
};

}  // namespace trialwatch::testing
