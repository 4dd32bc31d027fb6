// SPDX-License-Identifier: MIT
#include "tests/support/postgres_server.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <pwd.h>
#include <stdexcept>
#include <string_view>
#include <sys/file.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace trialwatch::testing {

namespace {

using namespace std::chrono_literals;

constexpr int k_port = 5432;  // the socket's name (.s.PGSQL.5432) is in our own directory, so no clash
constexpr const char* k_superuser = "trialwatch";
constexpr const char* k_database = "trialwatch";
constexpr auto k_start_timeout = 60s;

// Return `tool` in the PostgreSQL server's bin directory.
std::string tool(const char* name) { return std::string(TRIALWATCH_POSTGRES_BINDIR) + "/" + name; }

// Return `argv` run as the server's user in `dir`: as nobody when this process is root, and, with `tie_to_parent`,
// sent SIGQUIT by the kernel when this process dies. setpriv execs (no process in between), so the child's pid is
// the program's own.
std::vector<std::string> as_server_user(std::vector<std::string> argv, const std::filesystem::path& dir,
                                        bool tie_to_parent) {
  std::vector<std::string> wrapped{TRIALWATCH_SETPRIV};
  if (::geteuid() == 0) wrapped.insert(wrapped.end(), {"--reuid=nobody", "--regid=nogroup", "--clear-groups"});
  if (tie_to_parent) wrapped.insert(wrapped.end(), {"--pdeathsig", "SIGQUIT"});
  // env -C: the server tools look for their own directory and go back to the current one, which `nobody` may not be
  // allowed to enter.
  wrapped.insert(wrapped.end(), {"--", TRIALWATCH_ENV, "-C", dir.string()});
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

// Run `argv`; throw std::runtime_error naming `what` with its output if it fails.
void run_or_throw(const std::vector<std::string>& argv, const char* what) {
  const auto result = run_process(argv);
  if (result.exit_code != 0)
    throw std::runtime_error(fmt::format("{} failed (exit {}): {}", what, result.exit_code, result.output));
}

// Hand `dir` to nobody when this process is root, so the server (run as nobody) may write in it.
void give_to_server_user(const std::filesystem::path& dir) {
  if (::geteuid() != 0) return;
  const passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) throw std::runtime_error("running as root, and there is no user 'nobody' to run PostgreSQL");
  if (::chown(dir.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
    throw std::runtime_error("cannot give " + dir.string() + " to nobody");
}

// Return `text` as a single-quoted postgresql.conf value.
std::string conf_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

// Write the server's settings: the socket in `dir` only, no durability (a test server), and authentication: the
// superuser trusted, every other role by password.
void configure(const std::filesystem::path& dir) {
  std::ofstream conf(dir / "data" / "postgresql.conf", std::ios::app);
  conf << "\n# trialwatch test server\n"
       << "listen_addresses = ''\n"
       << "unix_socket_directories = " << conf_quoted(dir.string()) << "\n"
       << "port = " << k_port << "\n"
       << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
       << "shared_buffers = '16MB'\nmax_connections = 30\n";
  std::ofstream hba(dir / "data" / "pg_hba.conf", std::ios::trunc);
  hba << "local all " << k_superuser << " trust\nlocal replication " << k_superuser
      << " trust\nlocal all all scram-sha-256\n";
  if (!conf || !hba) throw std::runtime_error("cannot write the test server's configuration in " + dir.string());
}

// Append to the settings a base backup copied from a primary: the replica's own socket in `dir`, and read-only
// queries while it replays the primary's WAL. The later line of a setting wins, so the primary's socket line goes.
void configure_replica(const std::filesystem::path& dir) {
  std::ofstream conf(dir / "data" / "postgresql.conf", std::ios::app);
  conf << "\n# trialwatch test replica\n"
       << "unix_socket_directories = " << conf_quoted(dir.string()) << "\n"
       << "hot_standby = on\n";
  if (!conf) throw std::runtime_error("cannot write the test replica's configuration in " + dir.string());
}

// Return `text` percent-encoded for a URI's query value.
std::string uri_encoded(const std::string& text) {
  std::string encoded;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || std::string_view("-._~/").find(static_cast<char>(c)) != std::string_view::npos)
      encoded += static_cast<char>(c);
    else
      encoded += fmt::format("%{:02X}", c);
  }
  return encoded;
}

// Say whether postmaster.pid in `data` says the server `pid` accepts connections (its 8th line is "ready").
bool is_ready(const std::filesystem::path& data, pid_t pid) {
  std::ifstream file(data / "postmaster.pid");
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines.size() >= 8 && lines[0] == std::to_string(pid) && lines[7].starts_with("ready");
}

// An exclusive flock(2) on a file, held until destroyed.
class FileLock {
 public:
  explicit FileLock(const std::string& path) : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (m_fd >= 0 && ::flock(m_fd, LOCK_EX) == 0) return;
    if (m_fd >= 0) ::close(m_fd);
    throw std::runtime_error("cannot lock " + path);
  }
  ~FileLock() { ::close(m_fd); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int m_fd;
};

// Make `data` a new cluster: a copy of the build's template cluster, which the first test process to need it makes
// with initdb (a second or two that every later server saves). initdb runs as the server's user in a temporary
// folder (the build tree may be where that user cannot go, e.g. under /root); this process copies it in, then out.
// A lock keeps two processes from making it at once.
void init_data_dir(const std::filesystem::path& data) {
  const std::filesystem::path cluster = TRIALWATCH_POSTGRES_TEMPLATE;
  std::filesystem::create_directories(cluster.parent_path());
  const FileLock lock(cluster.string() + ".lock");
  if (!std::filesystem::exists(cluster / "PG_VERSION")) {
    const TempDir scratch;
    give_to_server_user(scratch.path());
    run_or_throw(as_server_user({tool("initdb"), "--pgdata=" + (scratch.path() / "data").string(),
                                 std::string("--username=") + k_superuser, "--auth=trust", "--encoding=UTF8",
                                 "--locale=C", "--no-sync"},
                                scratch.path(), false),
                 "initdb");
    const auto copied = cluster.parent_path() / (cluster.filename().string() + ".new");
    std::filesystem::remove_all(copied);
    run_or_throw({TRIALWATCH_CP, "-a", (scratch.path() / "data").string(), copied.string()}, "keeping the template");
    std::filesystem::remove_all(cluster);
    std::filesystem::rename(copied, cluster);  // whole or not at all: PG_VERSION says it is there
  }
  run_or_throw({TRIALWATCH_CP, "-a", cluster.string(), data.string()},
               "copying the template cluster");  // owner and modes too
}

}  // namespace

PostgresServer::PostgresServer() {
  give_to_server_user(m_dir.path());
  init_data_dir(m_dir.path() / "data");
  configure(m_dir.path());
  start();
  run_or_throw({tool("createdb"), "--host=" + m_dir.path().string(), "--port=" + std::to_string(k_port),
                std::string("--username=") + k_superuser, k_database},
               "createdb");
}

PostgresServer::PostgresServer(const PostgresServer& primary, ReplicaTag) {
  give_to_server_user(m_dir.path());
  run_or_throw(as_server_user({tool("pg_basebackup"), "--pgdata=" + (m_dir.path() / "data").string(),
                               "--write-recovery-conf", "--host=" + primary.socket_dir().string(),
                               "--port=" + std::to_string(k_port), std::string("--username=") + k_superuser,
                               "--wal-method=stream", "--checkpoint=fast", "--no-sync", "--no-password"},
                              m_dir.path(), false),
               "pg_basebackup");
  configure_replica(m_dir.path());
  start();
}

std::unique_ptr<PostgresServer> PostgresServer::replica_of(const PostgresServer& primary) {
  return std::unique_ptr<PostgresServer>(new PostgresServer(primary, ReplicaTag{}));
}

PostgresServer::~PostgresServer() {
  try {
    stop();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "stopping the test PostgreSQL server: %s\n", error.what());
  }
}

std::string PostgresServer::uri() const { return uri_of(k_database); }

std::string PostgresServer::uri_of(const std::string& database, const std::string& user) const {
  return fmt::format("postgresql:///{}?host={}&port={}&user={}", uri_encoded(database),
                     uri_encoded(m_dir.path().string()), k_port, user.empty() ? k_superuser : uri_encoded(user));
}

std::string PostgresServer::uri(const std::string& user, const std::string& password) const {
  return fmt::format("postgresql:///{}?host={}&port={}&user={}&password={}", k_database,
                     uri_encoded(m_dir.path().string()), k_port, uri_encoded(user), uri_encoded(password));
}

pid_t PostgresServer::pid() const noexcept { return m_postmaster ? m_postmaster->pid() : -1; }

std::string PostgresServer::query(const std::string& sql) const {
  const auto result = run_process({tool("psql"), "--no-psqlrc", "--no-align", "--tuples-only", "--quiet",
                                   "--set=ON_ERROR_STOP=1", "--dbname=" + uri(), "--command=" + sql});
  if (result.exit_code != 0)
    throw std::runtime_error(fmt::format("psql failed (exit {}) on {}: {}", result.exit_code, sql, result.output));
  std::string output = result.output;
  if (output.ends_with('\n')) output.pop_back();
  return output;
}

void PostgresServer::start() {
  if (m_postmaster) return;
  const auto data = m_dir.path() / "data";
  m_postmaster =
      std::make_unique<ChildProcess>(as_server_user({tool("postgres"), "-D", data.string()}, m_dir.path(), true));
  const auto deadline = std::chrono::steady_clock::now() + k_start_timeout;
  while (!is_ready(data, m_postmaster->pid())) {
    if (m_postmaster->wait_for_exit(0ms) || std::chrono::steady_clock::now() >= deadline) {
      const auto output = m_postmaster->output();
      m_postmaster.reset();  // kills it if it still runs
      throw std::runtime_error("the test PostgreSQL server did not start: " + output);
    }
    std::this_thread::sleep_for(5ms);
  }
}

void PostgresServer::stop() {
  if (!m_postmaster) return;
  m_postmaster->send(SIGQUIT);  // immediate shutdown: the postmaster ends its backends, then itself
  if (!m_postmaster->wait_for_exit(30s)) std::fprintf(stderr, "the test PostgreSQL server ignored SIGQUIT\n");
  m_postmaster.reset();  // SIGKILL if it is still running
}

}  // namespace trialwatch::testing
