// SPDX-License-Identifier: MIT
// Internal to store/: the PostgreSQL engine's statements, run on a session that reconnects when the server was lost.
#pragma once

#include "store/detail/engine.hpp"
#include "store/postgres/connection.hpp"
#include "store/store_error.hpp"

#include <memory>
#include <string_view>

namespace trialwatch::store::postgres {

// The session a statement runs in: the connection, opened again (with the session's settings and locks) when the
// server was lost, before a statement outside a transaction.
class Session {
 public:
  virtual ~Session() = default;
  // Return the connection, reconnected first if it was lost and no transaction is open.
  virtual Connection& connection() = 0;
  // Open a new session in place of one a statement found lost (the server restarted, failed over or cut it), unless
  // a transaction was open in it; return whether it did.
  virtual bool reconnect() = 0;
};

// Return what `run` returns for `session`'s connection. libpq learns that the server cut the session (a restart, a
// failover) only when it is next used, and may not even mark the connection bad then: when `run` finds it lost,
// `run` runs once more on a new session, unless a transaction was open in the lost one (nothing of it was written, so
// it must fail).
template <typename Run>
auto on_session(Session& session, Run&& run) {
  try {
    return run(session.connection());
  } catch (const StoreError& error) {
    if (error.kind() != StoreError::Kind::unreachable || !session.reconnect()) throw;
    return run(session.connection());
  }
}

// Prepare `sql` (with SQLite's `?` and `?N` placeholders) as a statement run on `session` when first stepped; its rows
// are read from the whole result, as text (bytea decoded from hex).
std::unique_ptr<detail::Statement> make_statement(Session& session, std::string_view sql);

}  // namespace trialwatch::store::postgres
