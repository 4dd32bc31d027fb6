// SPDX-License-Identifier: MIT
// A PostgreSQL server for the benchmarks: the tests' throw-away server (tests/support/postgres_server.hpp), restarted
// with PostgreSQL's own defaults for durability and memory, and the CPU its processes use.
#pragma once

#include "tests/support/postgres_server.hpp"

#include <cstdint>
#include <string>

namespace trialwatch::bench {

// The tests' PostgreSQL server (a Unix socket in a temporary directory) with fsync, synchronous_commit and
// full_page_writes on and shared_buffers at 128 MB, as a packaged server runs (the tests turn durability off and
// shrink memory): its commits cost what SQLite's synchronous=FULL ones do. Stopped and removed on destruction.
class PostgresBenchServer {
 public:
  // Create and start the server, then restart it with the benchmark's settings; throw std::runtime_error on failure.
  PostgresBenchServer();

  // Return a libpq URI for the database "trialwatch".
  std::string uri() const { return m_server.uri(); }
  // Return the user + system CPU seconds the server has used so far: the postmaster, its live children (backends,
  // autovacuum, checkpointer, WAL writer...) and the children it has reaped (its cutime and cstime).
  double cpu_seconds() const;
  // Return the bytes of the databases' files (the data directory's base/, without the WAL).
  std::uint64_t data_bytes() const;

 private:
  testing::PostgresServer m_server;
};

}  // namespace trialwatch::bench
