// SPDX-License-Identifier: MIT
#include "cli/serve.hpp"

#include "cli/access_token.hpp"
#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "core/credentials.hpp"
#include "core/exit_code.hpp"
#include "core/listen_address.hpp"
#include "core/safe_text.hpp"

#include "web/site.hpp"
#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <pthread.h>
#include <set>
#include <sys/socket.h>
#include <thread>

namespace trialwatch::cli {

namespace {

using namespace std::chrono_literals;

constexpr std::string_view k_default_listen = "127.0.0.1:8470";
constexpr std::string_view k_default_token_credential = "web_token";
constexpr std::size_t k_worker_threads = 64;  // connections served at once (see serve())

// Return the address to listen on: `flag`, else [web] listen, else the default; throw UsageError when malformed.
core::ListenAddress listen_address(const std::string& flag, const std::optional<core::Config>& config) {
  const std::string text = !flag.empty() ? flag : config ? config->web.listen : std::string(k_default_listen);
  auto address = core::parse_listen_address(text);
  if (!address)
    throw UsageError(core::for_terminal(fmt::format(
        "--listen {}: give HOST:PORT or [IPv6]:PORT with a port from 0 to 65535, such as 127.0.0.1:8470", text)));
  return *address;
}

// Return the access token every request must carry, or nothing: needed beyond loopback (credential
// [web] token_credential, default "web_token"), optional on loopback (only when token_credential is set). Throw
// core::ConfigError when it is needed and cannot be read.
std::optional<std::string> access_token(const core::ListenAddress& address, const std::optional<core::Config>& config) {
  const std::string configured = config ? config->web.token_credential : std::string();
  const bool beyond_loopback = !core::is_loopback(address.host);
  if (!beyond_loopback && configured.empty()) return std::nullopt;
  const std::string name = configured.empty() ? std::string(k_default_token_credential) : configured;
  auto token = core::Credentials::from_environment(core::process_environment).read(name);
  if (token) return std::move(*token);
  throw core::ConfigError(core::for_terminal(
      beyond_loopback ? fmt::format("listening on {} (beyond loopback) needs an access token: {}", address.str(),
                                    token.error().message)
                      : fmt::format("[web] token_credential names an access token that cannot be read: {}",
                                    token.error().message)));
}

// Return the query parameters of request target `target` decoded, in their order ("a=1&b" → (a, 1), (b, "")).
std::vector<std::pair<std::string, std::string>> query_params(const std::string& target) {
  std::vector<std::pair<std::string, std::string>> params;
  const std::size_t question = target.find('?');
  if (question == std::string::npos) return params;
  std::string_view query = std::string_view(target).substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    const auto decoded = [](std::string_view text) { return httplib::detail::decode_url(std::string(text), true); };
    params.emplace_back(decoded(pair.substr(0, equals)),
                        equals == std::string_view::npos ? std::string() : decoded(pair.substr(equals + 1)));
  }
  return params;
}

// The headers of every answer, the site's pages replacing them with their own: also on what httplib answers itself
// (400 for an unknown method, 413, 414), which reaches no handler.
const httplib::Headers k_default_headers{{"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
                                         {"X-Content-Type-Options", "nosniff"},
                                         {"X-Frame-Options", "DENY"},
                                         {"Referrer-Policy", "no-referrer"}};

// Set header `name` of `response` to `value`, replacing a default one (two Content-Security-Policy headers would
// both be enforced).
void replace_header(httplib::Response& response, const std::string& name, const std::string& value) {
  response.headers.erase(name);
  response.set_header(name, value);
}

// Answer `status` with one sentence, for the server's own answers (401, 500), under the default headers.
void plain_page(httplib::Response& response, int status, std::string_view sentence) {
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(fmt::format("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}"
                                   "</title></head><body><p>{0}</p></body></html>\n",
                                   core::for_html(sentence)),
                       "text/html; charset=utf-8");
}

// Answer `request` from `site`, once it carries `token` (when there is one).
void answer(const web::Site& site, const std::optional<std::string>& token, const httplib::Request& request,
            httplib::Response& response) {
  if (token && !carries_token(request.get_header_value("Authorization"), *token)) {
    plain_page(response, 401, "This trialwatch needs its access token: give it as the password.");
    response.set_header("WWW-Authenticate", "Basic realm=\"trialwatch\"");
    return;
  }
  const web::Response page = site.handle(web::Request{request.method, request.path, query_params(request.target)});
  response.status = page.status;
  for (const auto& [name, value] : page.headers) replace_header(response, name, value);
  response.set_content(page.body, page.content_type);
}

// Blocks SIGTERM and SIGINT in this thread (and the threads it starts) while it lives, and waits for one on a
// thread of its own, then stops `server`.
class StopOnSignal {
 public:
  explicit StopOnSignal(httplib::Server& server) {
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGTERM);
    sigaddset(&m_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &m_signals, &m_previous);
    m_thread = std::thread([this, &server] {
      int signal = 0;
      sigwait(&m_signals, &signal);
      if (m_finished) return;
      m_stopped = true;
      // A signal between bind and listen finds the server not yet running, and stop() would do nothing.
      while (!m_finished) {
        const bool running = server.is_running();
        server.stop();
        if (running) break;
        std::this_thread::sleep_for(10ms);
      }
    });
  }
  ~StopOnSignal() {
    m_finished = true;
    pthread_kill(m_thread.native_handle(), SIGTERM);  // wakes sigwait if no signal came
    m_thread.join();
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGTERM) == 0 && sigismember(&pending, SIGINT) == 0)
      pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  // Say whether a signal asked the server to stop.
  bool stopped() const noexcept { return m_stopped; }

 private:
  sigset_t m_signals{};
  sigset_t m_previous{};
  std::atomic<bool> m_finished{false};
  std::atomic<bool> m_stopped{false};
  std::thread m_thread;
};

}  // namespace

int serve(const Context& context, const std::string& listen) {
  const auto config = context.read_config();
  const core::ListenAddress address = listen_address(listen, config);
  const auto token = access_token(address, config);
  { const auto db = context.open_for_reading(); }  // a missing or unreadable database is said now, not per page

  const core::OffsetClock clock(context.now());
  const web::Site site(web::SiteOptions{context.database_path(), due_after_or_default(context), &clock});

  httplib::Server server;
  server.set_default_headers(k_default_headers);
  server.set_payload_max_length(64 * 1024);  // no page takes a body
  server.set_read_timeout(10s);
  server.set_write_timeout(10s);
  // A connection holds a worker thread until it closes: a keep-alive one for up to 100 requests or 5 s idle. With
  // httplib's default pool of max(8, cores - 1) threads, 8 open browser connections (a browser opens up to 6 per
  // site) made every other client wait. 64 threads serve 50 clients at once, a few people's browsers; an idle thread
  // costs a stack of virtual memory, a busy one shares the cores like the rest.
  server.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
  server.set_keep_alive_timeout(5);  // seconds
  server.set_keep_alive_max_count(100);
  int listening = -1;
  server.set_socket_options([&listening](int socket) {
    // httplib's default, SO_REUSEPORT, would let a second server share the port: only allow a quick restart.
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listening = socket;
  });
  const auto handler = [&](const httplib::Request& request, httplib::Response& response) {
    answer(site, token, request, response);
  };
  const std::string every_path = "[\\s\\S]*";
  server.Get(every_path, handler);  // HEAD too
  server.Post(every_path, handler);
  server.Put(every_path, handler);
  server.Delete(every_path, handler);
  server.Patch(every_path, handler);
  server.Options(every_path, handler);
  server.set_pre_routing_handler([&](const httplib::Request& request, httplib::Response& response) {
    static const std::set<std::string> routed{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    if (routed.count(request.method) != 0) return httplib::Server::HandlerResponse::Unhandled;
    handler(request, response);  // CONNECT, TRACE...: the site answers 405
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
    plain_page(response, 500, "This page failed on the server; the server log may say more.");
  });
  server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    std::fprintf(stderr, "%s %s %d\n", core::for_log_line(request.method).c_str(),
                 core::for_log_line(request.path).c_str(), response.status);
  });

  const StopOnSignal stop(server);
  int port = address.port;
  const bool bound =
      port == 0 ? (port = server.bind_to_any_port(address.host)) > 0 : server.bind_to_port(address.host, port);
  if (!bound) {
    std::fprintf(stderr,
                 "trialwatch: cannot listen on %s: the port is in use or the address is not this machine's; give "
                 "another with --listen or [web] listen\n",
                 core::for_terminal(address.str()).c_str());
    return core::to_int(core::ExitCode::unavailable);
  }
  // httplib listens with a backlog of 5: 50 clients connecting at once overflowed it, and each dropped connection
  // waited a second for its retry. Listening again on a listening socket only sets its backlog.
  if (listening >= 0) ::listen(listening, SOMAXCONN);
  std::printf("serving http://%s/ (read-only; Ctrl-C stops)\n",
              core::for_terminal(core::ListenAddress{address.host, port}.str()).c_str());
  std::fflush(stdout);
  const bool listened = server.listen_after_bind();
  if (!listened && !stop.stopped()) {
    std::fprintf(stderr, "trialwatch: the web server stopped on an error; start it again\n");
    return core::to_int(core::ExitCode::failure);
  }
  return core::to_int(core::ExitCode::ok);
}

}  // namespace trialwatch::cli
