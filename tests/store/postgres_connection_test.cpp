// SPDX-License-Identifier: MIT
// The PostgreSQL engine's libpq wrappers against a real server (tests/support/postgres_server.hpp).
#include "store/postgres/connection.hpp"
#include "store/store_error.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using trialwatch::store::StoreError;
using trialwatch::store::postgres::Bytea;
using trialwatch::store::postgres::Connection;
using trialwatch::store::postgres::Transaction;
using trialwatch::store::postgres::try_advisory_lock;
using trialwatch::testing::PostgresServer;
using namespace std::chrono_literals;

// Return the StoreError `action` throws; fail the test if it throws none.
template <typename Action>
StoreError store_error_of(Action&& action) {
  try {
    action();
  } catch (const StoreError& error) {
    return error;
  }
  FAIL("no StoreError was thrown");
  throw std::logic_error("unreachable");
}

// Return how many processes work in `dir` or below it (PostgreSQL's postmaster and backends work in their data
// directory).
int processes_working_in(const std::filesystem::path& dir) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::error_code error;
    const auto cwd = std::filesystem::read_symlink(entry.path() / "cwd", error);
    if (!error && cwd.string().starts_with(dir.string())) ++count;
  }
  return count;
}

// Say whether process `pid` is gone (or a zombie nobody waited for, which runs nothing).
bool is_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  return text.empty() || text.find(") Z") != std::string::npos;
}

// Return the value libpq uses for connection parameter `keyword` on `connection` ("" if none).
std::string setting_of(const Connection& connection, std::string_view keyword) {
  const std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfo(connection.native()),
                                                                               PQconninfoFree);
  for (const auto* option = options.get(); option != nullptr && option->keyword != nullptr; ++option)
    if (option->keyword == keyword && option->val != nullptr) return option->val;
  return {};
}

std::int64_t count_rows(Connection& connection, const std::string& table) {
  return connection.exec("SELECT count(*) FROM " + table).int64(0, 0);
}

}  // namespace

TEST_CASE("A PostgreSQL connection opened by URI runs statements as the URI's user") {
  PostgresServer server;
  auto connection = Connection::open(server.uri());
  const auto result = connection.exec("SELECT current_user, $1::int8 + 1", 41);
  CHECK(result.text(0, 0) == "trialwatch");
  CHECK(result.int64(0, 1) == 42);
}

TEST_CASE("A PostgreSQL connection speaks UTF-8, is named trialwatch and adds its server options to the URI's own") {
  PostgresServer server;
  auto plain = Connection::open(server.uri());
  CHECK(plain.exec("SHOW client_encoding").text(0, 0) == "UTF8");
  CHECK(plain.exec("SHOW application_name").text(0, 0) == "trialwatch");
  CHECK(plain.exec("SHOW default_transaction_read_only").text(0, 0) == "off");
  CHECK(std::string(PQparameterStatus(plain.native(), "application_name")) == "trialwatch");
  CHECK(setting_of(plain, "keepalives_idle") == "60");  // the client's default; the URI may say otherwise
  CHECK(setting_of(plain, "connect_timeout") == "10");

  const auto uri =
      server.uri() + "&application_name=dashboard&options=-c%20statement_timeout%3D4321&keepalives_idle=30";
  auto reader = Connection::open(uri, "-c default_transaction_read_only=on");
  CHECK(reader.exec("SHOW application_name").text(0, 0) == "dashboard");
  CHECK(reader.exec("SHOW statement_timeout").text(0, 0) == "4321ms");
  CHECK(reader.exec("SHOW default_transaction_read_only").text(0, 0) == "on");
  CHECK(reader.exec("SHOW client_encoding").text(0, 0) == "UTF8");
  CHECK(setting_of(reader, "keepalives_idle") == "30");
}

TEST_CASE("PostgreSQL bound parameters round-trip text with quotes, UTF-8, NULL and bytea with zero bytes and 0xff") {
  PostgresServer server;
  auto connection = Connection::open(server.uri());
  connection.exec("CREATE TABLE t (id int8 PRIMARY KEY, name text NOT NULL, note text, frame bytea NOT NULL)");
  const std::string name = "O'Brien \"quoted\" '); DROP TABLE t; -- Lupus érythémateux 红斑狼疮 🧬";
  const std::string frame("\x28\xb5\x2f\xfd\x00\xff\x00\x01\xff\xfe", 10);
  const auto inserted = connection.exec("INSERT INTO t (id, name, note, frame) VALUES ($1, $2, $3, $4)",
                                        std::int64_t{-9'000'000'000}, name, std::optional<std::string>(), Bytea{frame});
  CHECK(inserted.affected_rows() == 1);

  {  // read in binary format
    const auto row = connection.exec_binary("SELECT id, name, note, frame FROM t WHERE name = $1", name);
    REQUIRE(row.rows() == 1);
    CHECK(row.int64(0, 0) == -9'000'000'000);
    CHECK(row.text(0, 1) == name);
    CHECK(row.is_null(0, 2));
    CHECK(row.bytea(0, 3) == frame);
  }
  {  // read in text format
    const auto row = connection.exec("SELECT id, name, note, frame FROM t WHERE id = $1", -9'000'000'000);
    REQUIRE(row.rows() == 1);
    CHECK(row.int64(0, 0) == -9'000'000'000);
    CHECK(row.text(0, 1) == name);
    CHECK(row.is_null(0, 2));
    CHECK_FALSE(row.is_null(0, 3));
    CHECK(row.bytea(0, 3) == frame);
  }
  {  // a NULL read as a value is refused
    const auto row = connection.exec("SELECT note FROM t");
    CHECK(store_error_of([&] { (void)row.text(0, 0); }).kind() == StoreError::Kind::corrupt);
    CHECK_THROWS_AS(row.text(1, 0), std::out_of_range);
  }
  CHECK(count_rows(connection, "t") == 1);  // the quote in the name ended nothing
}

TEST_CASE("A PostgreSQL transaction commits on commit() and an exception rolls it back leaving nothing") {
  PostgresServer server;
  auto connection = Connection::open(server.uri());
  connection.exec("CREATE TABLE t (id int8)");
  try {
    Transaction transaction(connection);
    connection.exec("INSERT INTO t VALUES ($1)", 1);
    CHECK(count_rows(connection, "t") == 1);
    throw std::runtime_error("the cycle failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(count_rows(connection, "t") == 0);
  {
    Transaction transaction(connection);
    connection.exec("INSERT INTO t VALUES ($1)", 2);
    transaction.commit();
  }
  CHECK(count_rows(connection, "t") == 1);

  SECTION("a transaction whose statement failed cannot be committed") {
    Transaction transaction(connection);
    connection.exec("INSERT INTO t VALUES ($1)", 3);
    CHECK_THROWS_AS(connection.exec("INSERT INTO no_such_table VALUES (1)"), StoreError);
    CHECK_THROWS_AS(transaction.commit(), StoreError);
  }
  CHECK(count_rows(connection, "t") == 1);
}

TEST_CASE("A PostgreSQL read-only transaction refuses a write with a StoreError and the connection stays usable") {
  PostgresServer server;
  auto connection = Connection::open(server.uri());
  connection.exec("CREATE TABLE t (id int8)");
  {
    Transaction reading(connection, Transaction::Mode::read_only);
    CHECK(count_rows(connection, "t") == 0);
    const auto error = store_error_of([&] { connection.exec("INSERT INTO t VALUES ($1)", 1); });
    CHECK(error.kind() == StoreError::Kind::access_denied);
    CHECK(error.exit_code() == trialwatch::core::ExitCode::config);
    CHECK_THAT(error.what(), Catch::Contains("read-only transaction"));
  }
  CHECK(count_rows(connection, "t") == 0);
}

TEST_CASE("A PostgreSQL advisory lock held by one connection is refused to a second until the first closes") {
  PostgresServer server;
  auto second = Connection::open(server.uri());
  {
    auto first = Connection::open(server.uri());
    CHECK(try_advisory_lock(first, 4242));
    CHECK(try_advisory_lock(first, 4242));  // the session's own lock is taken again (counted)
    CHECK_FALSE(try_advisory_lock(second, 4242));
    CHECK(try_advisory_lock(second, 4243));  // another key is free
  }
  // The server releases the lock when the first session's backend ends, a moment after the client hangs up.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool taken = false;
  while (!(taken = try_advisory_lock(second, 4242)) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  CHECK(taken);
}

TEST_CASE(
    "A PostgreSQL URI to a socket directory with no server fails with exit code 69 in one sentence without the "
    "password") {
  trialwatch::testing::TempDir empty;
  const auto uri = "postgresql://someone:hunter2-secret@/trialwatch?host=" + empty.path().string();
  const auto error = store_error_of([&] { (void)Connection::open(uri); });
  CHECK(error.kind() == StoreError::Kind::unreachable);
  CHECK(trialwatch::core::to_int(error.exit_code()) == 69);
  const std::string message = error.what();
  CHECK_THAT(message, Catch::Contains("cannot reach the PostgreSQL server"));
  CHECK_THAT(message, Catch::Contains(empty.path().string()));
  CHECK_THAT(message, !Catch::Contains("password", Catch::CaseSensitive::No));
  CHECK_THAT(message, !Catch::Contains("hunter2"));
  CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("A database's name hides every password its URI holds and keeps the rest") {
  using trialwatch::store::postgres::without_passwords;
  const auto named = [](const std::string& uri) { return without_passwords(uri, uri); };
  CHECK(named("postgresql://tw:s3cret-pw@db.example/trialwatch?sslmode=require") ==
        "postgresql://tw:***@db.example/trialwatch?sslmode=require");
  CHECK(named("postgresql:///trialwatch?host=/run/pg&password=s3cret-pw&sslmode=require") ==
        "postgresql:///trialwatch?host=/run/pg&password=***&sslmode=require");
  // A keyword spelled with a percent escape is still the password libpq reads.
  CHECK(named("postgresql:///trialwatch?pass%77ord=s3cret-pw").find("s3cret-pw") == std::string::npos);
  CHECK(named("postgresql://tw@db.example/trialwatch") == "postgresql://tw@db.example/trialwatch");
}

TEST_CASE("A URI whose password libpq cannot read is refused in one sentence that never quotes the password") {
  trialwatch::testing::TempDir empty;
  const std::string socket = "?host=" + empty.path().string();
  // A stray '%', '@' or '/' in a password: libpq quotes the piece it could not read, or reads it as a host or port.
  for (const auto& [uri, secret] : std::vector<std::pair<std::string, std::string>>{
           {"postgresql://tw:Sup3rSecret%zz@localhost:5499/x", "Sup3rSecret"},
           {"postgresql://tw:pa@ss123-secret@localhost/x", "ss123-secret"},
           {"postgresql://tw:pass/word-secret@localhost/x", "word-secret"},
           {"postgresql:///x" + socket + "&password=Sup3rSecret%zz", "Sup3rSecret"},
           {"host=" + empty.path().string() + " password='unterminated", "unterminated"}}) {
    CAPTURE(uri);
    const auto error = store_error_of([&] { (void)Connection::open(uri); });
    const std::string message = error.what();
    CHECK_THAT(message, !Catch::Contains(secret));
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("A PostgreSQL server with no connection left is a wait (exit code 69), not a configuration error") {
  PostgresServer server;  // max_connections = 30
  std::vector<Connection> held;
  std::optional<StoreError> refused;
  while (!refused && held.size() < 40) {
    try {
      held.push_back(Connection::open(server.uri()));
    } catch (const StoreError& error) {
      refused = error;
    }
  }
  REQUIRE(refused);
  CHECK(held.size() >= 25);
  CHECK(refused->kind() == StoreError::Kind::unreachable);
  CHECK_THAT(refused->what(), Catch::Contains("too many clients") && Catch::Contains("tries again"));
}

TEST_CASE("A wrong PostgreSQL password is refused with exit code 78 and the password is never in the sentence") {
  PostgresServer server;
  {
    auto admin = Connection::open(server.uri());
    admin.exec("CREATE ROLE analyst LOGIN PASSWORD 'correct-horse'");
  }
  const auto error = store_error_of([&] { (void)Connection::open(server.uri("analyst", "wrong-battery")); });
  CHECK(error.kind() == StoreError::Kind::access_denied);
  CHECK(trialwatch::core::to_int(error.exit_code()) == 78);
  CHECK_THAT(error.what(), Catch::Contains("password authentication failed"));
  CHECK_THAT(error.what(), !Catch::Contains("wrong-battery"));
  CHECK_THAT(error.what(), !Catch::Contains("correct-horse"));

  auto analyst = Connection::open(server.uri("analyst", "correct-horse"));
  CHECK(analyst.exec("SELECT current_user").text(0, 0) == "analyst");
}

TEST_CASE(
    "A statement after the PostgreSQL server stopped fails with exit code 69 and a restarted server serves again") {
  PostgresServer server;
  auto connection = Connection::open(server.uri());
  server.stop();
  const auto error = store_error_of([&] { connection.exec("SELECT 1"); });
  INFO(error.what());
  CHECK(error.kind() == StoreError::Kind::unreachable);
  CHECK(error.exit_code() == trialwatch::core::ExitCode::unavailable);
  CHECK(store_error_of([&] { (void)Connection::open(server.uri()); }).kind() == StoreError::Kind::unreachable);
  server.start();
  CHECK(Connection::open(server.uri()).exec("SELECT 1").int64(0, 0) == 1);
}

TEST_CASE("The PostgreSQL test server runs unprivileged on its socket only and leaves no process behind") {
  std::filesystem::path dir;
  pid_t pid = -1;
  {
    PostgresServer server;
    dir = server.socket_dir();
    pid = server.pid();
    auto connection = Connection::open(server.uri());
    CHECK(connection.exec("SHOW listen_addresses").text(0, 0).empty());
    CHECK(connection.exec("SHOW fsync").text(0, 0) == "off");
    struct stat process {};
    REQUIRE(::stat(("/proc/" + std::to_string(pid)).c_str(), &process) == 0);
    CHECK(process.st_uid != 0);             // initdb refuses root, so a server that runs shows the switch worked
    CHECK(processes_working_in(dir) >= 2);  // the postmaster, its background workers and our backend
    CHECK_FALSE(is_gone(pid));
  }
  CHECK(is_gone(pid));
  CHECK(processes_working_in(dir) == 0);
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("The PostgreSQL test server stops when the process that started it is killed") {
  // Adopt the orphans below us (the killed child's server), so this test reaps them instead of leaving zombies.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  int report[2];
  REQUIRE(::pipe(report) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // start a server, say its pid and folder, and wait to be killed: no destructor will run
    ::close(report[0]);
    try {
      PostgresServer server;
      const auto line = std::to_string(server.pid()) + " " + server.socket_dir().string() + "\n";
      (void)!::write(report[1], line.data(), line.size());
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  ::close(report[1]);
  std::string line;
  char c = 0;
  while (::read(report[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(report[0]);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  REQUIRE(line.find(' ') != std::string::npos);
  const pid_t postmaster = std::stoi(line.substr(0, line.find(' ')));
  const std::filesystem::path dir = line.substr(line.find(' ') + 1);

  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((!is_gone(postmaster) || processes_working_in(dir) > 0) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  CHECK_FALSE(std::filesystem::exists("/proc/" + std::to_string(postmaster)));
  CHECK(is_gone(postmaster));
  CHECK(processes_working_in(dir) == 0);
  std::filesystem::remove_all(dir);
}
