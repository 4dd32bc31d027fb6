// SPDX-License-Identifier: MIT
#include "bench/registry_server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace trialwatch::bench {

namespace {

constexpr std::string_view k_api = "/api/v2";
constexpr std::string_view k_website = "/api/int/studies/";

std::vector<std::string> split_ids(const std::string& value) {
  std::vector<std::string> ids;
  std::string current;
  for (const char c : value) {
    if (c == ',' || c == '|') {
      if (!current.empty()) ids.push_back(std::move(current));
      current.clear();
    } else if (c != ' ') {
      current.push_back(c);
    }
  }
  if (!current.empty()) ids.push_back(std::move(current));
  return ids;
}

}  // namespace

struct RegistryServer::State {
  GeneratedRegistry& registry;
  std::mutex mutex;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> history_requests{0};
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> histories;  // id -> (list, versions)

  explicit State(GeneratedRegistry& r) : registry(r) {}

  void reply(httplib::Response& response, int status, std::string body, const char* type = "application/json") {
    ++requests;
    bytes += body.size();
    response.status = status;
    response.set_content(std::move(body), type);
  }

  // GET /studies?filter.ids=...[&fields=...]&pageSize=N[&pageToken=offset]: a page of the IDs that exist.
  void list(const httplib::Request& request, httplib::Response& response) {
    if (!request.has_param("filter.ids")) {
      reply(response, 400, "the benchmark registry answers only filter.ids lists", "text/plain; charset=UTF-8");
      return;
    }
    const auto ids = split_ids(request.get_param_value("filter.ids"));
    const bool projected = request.has_param("fields");
    const std::size_t page_size = request.has_param("pageSize")
                                      ? std::min<std::size_t>(1000, std::stoul(request.get_param_value("pageSize")))
                                      : 10;
    const std::size_t offset = request.has_param("pageToken") ? std::stoul(request.get_param_value("pageToken")) : 0;
    std::string body = "{\"studies\":[";
    std::size_t listed = 0;
    std::size_t next = offset;
    {
      std::lock_guard lock(mutex);
      for (; next < ids.size() && listed < page_size; ++next) {
        auto text = projected ? registry.watermark(ids[next]) : registry.document(ids[next]);
        if (!text) continue;  // unknown IDs are left out, as the registry does
        body += (listed++ ? "," : "") + *text;
      }
    }
    body += "]";
    if (next < ids.size()) body += fmt::format(",\"nextPageToken\":\"{}\"", next);
    reply(response, 200, body + "}");
  }

  // GET /api/int/studies/{id}?history=true (the list) or /api/int/studies/{id}/history/{n} (version n).
  void website(const httplib::Request& request, httplib::Response& response) {
    ++history_requests;
    const std::string rest = request.path.substr(k_website.size());
    const auto slash = rest.find('/');
    std::lock_guard lock(mutex);
    const auto found = histories.find(rest.substr(0, slash));
    if (found == histories.end()) {
      reply(response, 404, "not found", "text/plain; charset=UTF-8");
    } else if (slash == std::string::npos) {
      reply(response, 200, found->second.first);
    } else {
      const auto n = std::stoul(rest.substr(rest.rfind('/') + 1));
      if (n < found->second.second.size())
        reply(response, 200, found->second.second[n]);
      else
        reply(response, 404, "not found", "text/plain; charset=UTF-8");
    }
  }

  void serve(const httplib::Request& request, httplib::Response& response) {
    const std::string rest = request.path.substr(k_api.size());
    if (rest == "/version") {
      std::lock_guard lock(mutex);
      reply(response, 200, fmt::format(R"({{"apiVersion":"2.0.5","dataTimestamp":"{}"}})", registry.data_timestamp()));
    } else if (rest == "/studies") {
      list(request, response);
    } else if (rest.rfind("/studies/", 0) == 0) {
      std::optional<std::string> text;
      {
        std::lock_guard lock(mutex);
        text = registry.document(rest.substr(9));
      }
      if (text)
        reply(response, 200, std::move(*text));
      else
        reply(response, 404, fmt::format("NCT number {} not found", rest.substr(9)), "text/plain; charset=UTF-8");
    } else {
      reply(response, 404, "not found", "text/plain; charset=UTF-8");
    }
  }
};

RegistryServer::RegistryServer(GeneratedRegistry& registry) : m_state(std::make_unique<State>(registry)) {
  State& s = *m_state;
  // No gzip: compressing multi-megabyte pages on this one server thread would make the daemon wait seconds a page
  // (the real registry compresses on its own machines). Byte counts are therefore of uncompressed bodies.
  s.server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
    const_cast<httplib::Request&>(request).headers.erase("Accept-Encoding");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.server.Get(std::string(k_api) + "/.*",
               [&s](const httplib::Request& request, httplib::Response& response) { s.serve(request, response); });
  s.server.Get(std::string(k_website) + ".*",
               [&s](const httplib::Request& request, httplib::Response& response) { s.website(request, response); });
  s.port = s.server.bind_to_any_port("127.0.0.1");
  if (s.port <= 0) throw std::runtime_error("the benchmark registry cannot listen on 127.0.0.1");
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  for (int i = 0; i < 5000 && !s.server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!s.server.is_running()) throw std::runtime_error("the benchmark registry's thread did not start");
}

RegistryServer::~RegistryServer() {
  m_state->server.stop();
  if (m_state->thread.joinable()) m_state->thread.join();
}

std::string RegistryServer::base_url() const { return fmt::format("http://127.0.0.1:{}/api/v2", m_state->port); }

DayChanges RegistryServer::advance_day() {
  std::lock_guard lock(m_state->mutex);
  return m_state->registry.advance_day();
}

void RegistryServer::serve_history(const std::string& id, std::string list, std::vector<std::string> versions) {
  std::lock_guard lock(m_state->mutex);
  m_state->histories[id] = {std::move(list), std::move(versions)};
}

std::uint64_t RegistryServer::history_requests() const { return m_state->history_requests; }

std::uint64_t RegistryServer::requests() const { return m_state->requests; }
std::uint64_t RegistryServer::body_bytes() const { return m_state->bytes; }

}  // namespace trialwatch::bench
