// SPDX-License-Identifier: MIT
// A cpp-httplib server on 127.0.0.1 for tests: add routes, start() it on a thread of its own, and it stops and joins
// when destroyed. Header-only, so only the tests that link cpp-httplib include it.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace trialwatch::testing {

// A local HTTP receiver (webhooks, ntfy, Slack) that serves until it is stopped or destroyed.
class LoopbackServer {
 public:
  LoopbackServer() = default;
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // The server, to add routes to before start().
  httplib::Server& routes() noexcept { return m_server; }

  // Listen on `port` (0: a free one) and serve on a thread of its own; return the port once it accepts.
  int start(int port = 0) {
    m_port =
        port == 0 ? m_server.bind_to_any_port("127.0.0.1") : (m_server.bind_to_port("127.0.0.1", port) ? port : -1);
    if (m_port <= 0) throw std::runtime_error("the test server cannot listen on 127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return m_port;
  }

  // Stop serving and join the thread (idempotent).
  void stop() {
    if (!m_thread.joinable()) return;
    m_server.stop();
    m_thread.join();
  }

  // The URL of `path` on this server, e.g. http://127.0.0.1:40123/hook.
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }

 private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
};

// A loopback HTTP receiver (webhook, ntfy, Slack) that records every POST and answers with the next scripted
// status (then 200); a 429 carries Retry-After: 120.
class PostRecorder {
 public:
  PostRecorder() {
    m_server.routes().Post(R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
      const std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
      const int status = m_statuses.empty() ? 200 : m_statuses.front();
      if (!m_statuses.empty()) m_statuses.erase(m_statuses.begin());
      response.status = status;
      if (status == 429) response.set_header("Retry-After", "120");
      response.set_content("ok", "text/plain");
    });
    m_server.start();
  }
  // The URL of `path` on this receiver.
  std::string url(const std::string& path) const { return m_server.url(path); }
  // Answer the next requests with `statuses`, in order.
  void answer(std::vector<int> statuses) {
    const std::lock_guard lock(m_mutex);
    m_statuses = std::move(statuses);
  }
  // Return the requests received so far.
  std::vector<httplib::Request> requests() {
    const std::lock_guard lock(m_mutex);
    return m_requests;
  }

 private:
  std::mutex m_mutex;
  std::vector<httplib::Request> m_requests;
  std::vector<int> m_statuses;
  LoopbackServer m_server;  // last: stopped (joined) before the state its handler uses is destroyed
};

}  // namespace trialwatch::testing
