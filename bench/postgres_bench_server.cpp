// SPDX-License-Identifier: MIT
#include "bench/postgres_bench_server.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace trialwatch::bench {

namespace {

// The fields of /proc/PID/stat after "pid (comm) " (the first is field 3, the state); empty if it is gone.
std::vector<std::string> stat_fields(const std::string& pid) {
  std::ifstream stat("/proc/" + pid + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), {});
  const auto end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return {};
  std::istringstream stream(text.substr(end_of_name + 2));
  std::vector<std::string> fields{"", "", ""};  // fields 0-2, so that fields[n] is field n (1-based, man 5 proc)
  for (std::string field; stream >> field;) fields.push_back(field);
  return fields;
}

// Return utime + stime + cutime + cstime (fields 14-17) of `fields`, in clock ticks.
long long ticks(const std::vector<std::string>& fields) {
  if (fields.size() < 18) return 0;
  long long total = 0;
  for (int field = 14; field <= 17; ++field) total += std::stoll(fields[field]);
  return total;
}

}  // namespace

PostgresBenchServer::PostgresBenchServer() {
  {
    std::ofstream conf(m_server.socket_dir() / "data" / "postgresql.conf", std::ios::app);
    conf << "\n# trialwatch benchmark: PostgreSQL's defaults again\n"
         << "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\nshared_buffers = '128MB'\n";
    if (!conf) throw std::runtime_error("cannot write the benchmark server's configuration");
  }
  m_server.stop();
  m_server.start();
}

double PostgresBenchServer::cpu_seconds() const {
  const std::string postmaster = std::to_string(m_server.pid());
  long long total = ticks(stat_fields(postmaster));
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto fields = stat_fields(pid);
    if (fields.size() > 4 && fields[4] == postmaster) total += ticks(fields);
  }
  return static_cast<double>(total) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::uint64_t PostgresBenchServer::data_bytes() const {
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(m_server.socket_dir() / "data" / "base", error))
    if (entry.is_regular_file(error)) total += entry.file_size(error);
  return total;
}

}  // namespace trialwatch::bench
