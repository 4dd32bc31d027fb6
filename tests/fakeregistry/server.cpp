// SPDX-License-Identifier: MIT
#include "tests/fakeregistry/server.hpp"

#include "core/json_text.hpp"
#include "tests/fakeregistry/api.hpp"
#include "tests/support/ports.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>

namespace trialwatch::fakeregistry {

namespace {

// Allow rebinding a port whose last connections linger in TIME_WAIT, but not one a live socket listens on.
void reuse_address_only(int socket) {
  const int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

struct ArmedFault {
  Fault fault;
  std::regex path;
  std::regex query;
  int seen = 0;
};

const char* reason_text(int status) {
  switch (status) {
    case 403:
      return "Forbidden";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

std::string query_of(const httplib::Request& request) {
  const auto question = request.target.find('?');
  return question == std::string::npos ? std::string() : request.target.substr(question + 1);
}

// `answer` (a list page) without the study `nct_id`; unchanged when it is not a page holding it.
ApiResponse without_study(ApiResponse answer, const std::string& nct_id) {
  if (answer.status != 200) return answer;
  Json page = Json::parse(answer.body);
  Json* studies = page.find("studies");
  if (studies == nullptr || !studies->is_array()) return answer;
  auto& items = studies->items();
  const auto before = items.size();
  items.erase(std::remove_if(items.begin(), items.end(),
                             [&](const Json& study) {
                               const Json* id = study.at_path("protocolSection.identificationModule.nctId");
                               return id != nullptr && id->text() == nct_id;
                             }),
              items.end());
  if (items.size() != before) answer.body = page.dump();
  return answer;
}

QueryParams params_of(const httplib::Request& request) {
  // httplib keeps params in a multimap sorted by name; the order of values for one name is preserved.
  return QueryParams(request.params.begin(), request.params.end());
}

}  // namespace

struct FakeRegistry::State {
  Scenario scenario;
  FieldCatalogue fields;
  std::string metadata_text;
  ControlEndpoints control;

  mutable std::mutex mutex;
  int day = 0;
  RegistryData data;
  StudyHistories histories;  // the website's versions of every study, up to the current day
  std::vector<ArmedFault> faults;
  std::vector<LoggedRequest> log;

  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopping{false};

  // Return the fault that applies to this request, counting it, or nothing.
  std::optional<Fault> take_fault(const std::string& path, const std::string& query) {
    for (auto& armed : faults) {
      if (!armed.fault.path.empty() && !std::regex_search(path, armed.path)) continue;
      if (!armed.fault.query_contains.empty() && !std::regex_search(query, armed.query)) continue;
      const int index = armed.seen++;
      if (index < armed.fault.skip) return std::nullopt;
      if (armed.fault.times >= 0 && index >= armed.fault.skip + armed.fault.times) continue;
      return armed.fault;
    }
    return std::nullopt;
  }

  void serve_api(const httplib::Request& request, httplib::Response& response) {
    const std::string query = query_of(request);
    ApiResponse answer_now;
    std::optional<Fault> fault;
    std::size_t log_index = 0;
    {
      std::lock_guard lock(mutex);
      answer_now = answer(request.path, params_of(request), data, fields, metadata_text, histories);
      fault = take_fault(request.path, query);
      log.push_back(LoggedRequest{request.method, request.path, query, answer_now.status,
                                  fault ? fault_kind_name(fault->kind) : ""});
      log_index = log.size() - 1;
    }
    if (fault && fault->delay_ms > 0) sleep_unless_stopping(fault->delay_ms);
    if (!fault || fault->kind == Fault::Kind::delay) {
      send(answer_now, response);
      return;
    }
    int sent_status = answer_now.status;
    switch (fault->kind) {
      case Fault::Kind::status: {
        ApiResponse failure{fault->status,
                            "text/plain; charset=UTF-8",
                            fault->body.empty() ? reason_text(fault->status) : fault->body,
                            {}};
        if (!fault->retry_after.empty()) failure.headers.emplace_back("Retry-After", fault->retry_after);
        send(failure, response);
        sent_status = fault->status;
        break;
      }
      case Fault::Kind::html:
        send(ApiResponse{200,
                         "text/html; charset=utf-8",
                         "<!DOCTYPE html><html><head><title>ClinicalTrials.gov</title></head>"
                         "<body><h1>Scheduled maintenance</h1><p>Please try again later.</p></body></html>",
                         {}},
             response);
        sent_status = 200;
        break;
      case Fault::Kind::invalid_json:
        send(ApiResponse{200, "application/json", answer_now.body.substr(0, answer_now.body.size() / 2), {}}, response);
        sent_status = 200;
        break;
      case Fault::Kind::truncate: {
        auto body = std::make_shared<std::string>(answer_now.body);
        const std::size_t keep = std::min(fault->truncate_to, body->size() > 0 ? body->size() - 1 : 0);
        response.status = answer_now.status;
        response.set_content_provider(body->size(), answer_now.content_type,
                                      [body, keep](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                        if (offset < keep) sink.write(body->data() + offset, keep - offset);
                                        return offset < keep;  // false once `keep` bytes are out: close early
                                      });
        break;
      }
      case Fault::Kind::drip: {
        auto body = std::make_shared<std::string>(answer_now.body);
        const auto chunk = static_cast<std::size_t>(fault->drip_bytes);
        const int interval = fault->drip_interval_ms;
        response.status = answer_now.status;
        response.set_content_provider(
            body->size(), answer_now.content_type,
            [this, body, chunk, interval](std::size_t offset, std::size_t, httplib::DataSink& sink) {
              if (offset > 0) sleep_unless_stopping(interval);
              if (stopping) return false;
              const std::size_t n = std::min(chunk, body->size() - offset);
              return sink.write(body->data() + offset, n);
            });
        break;
      }
      case Fault::Kind::reset:
        response.status = 200;
        response.set_chunked_content_provider("application/json",
                                              [](std::size_t, httplib::DataSink&) { return false; });
        sent_status = 0;
        break;
      case Fault::Kind::omit:
        send(without_study(answer_now, fault->body), response);
        break;
      case Fault::Kind::json:
        send(ApiResponse{200, "application/json", fault->body, {}}, response);
        sent_status = 200;
        break;
      case Fault::Kind::delay:
        break;
    }
    std::lock_guard lock(mutex);
    log[log_index].status = sent_status;
  }

  static void send(const ApiResponse& answer_now, httplib::Response& response) {
    response.status = answer_now.status;
    for (const auto& [name, value] : answer_now.headers) response.set_header(name, value);
    response.set_content(answer_now.body, answer_now.content_type);
  }

  void sleep_unless_stopping(int milliseconds) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    while (!stopping && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(milliseconds, 10)));
  }

  void go_to(int target) {
    histories = StudyHistories();
    data = scenario.state_at(target, [this](const RegistryData& seen) { histories.record(seen); });
    day = target;
  }

  std::string state_json() const {
    return fmt::format("{{\"day\":{},\"days\":{},\"dataTimestamp\":\"{}\",\"studies\":{}}}", day, scenario.days.size(),
                       data.data_timestamp, data.studies().size());
  }

  void install_control_routes();
};

void FakeRegistry::State::install_control_routes() {
  auto reply = [](httplib::Response& response, int status, const std::string& body) {
    response.status = status;
    response.set_content(body, status == 200 ? "application/json" : "text/plain; charset=UTF-8");
  };
  server.Get("/_control/state", [this, reply](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex);
    reply(response, 200, state_json());
  });
  server.Post("/_control/day/next", [this, reply](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex);
    if (day + 1 >= static_cast<int>(scenario.days.size()))
      return reply(response, 409, "no further day in the scenario");
    go_to(day + 1);
    reply(response, 200, state_json());
  });
  server.Post(R"(/_control/day/(\d+))", [this, reply](const httplib::Request& request, httplib::Response& response) {
    const int target = std::stoi(request.matches[1].str());
    std::lock_guard lock(mutex);
    if (target >= static_cast<int>(scenario.days.size()) && !scenario.days.empty())
      return reply(response, 409, "the scenario has no such day");
    go_to(target);
    reply(response, 200, state_json());
  });
  server.Post("/_control/timestamp", [this, reply](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex);
    data.data_timestamp = request.body;
    reply(response, 200, state_json());
  });
  server.Get("/_control/requests", [this, reply](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex);
    std::string body = "[";
    for (std::size_t i = 0; i < log.size(); ++i) {
      const auto& entry = log[i];
      if (i > 0) body += ",\n";
      body += "{\"method\":";
      core::append_json_quoted(body, entry.method);
      body += ",\"path\":";
      core::append_json_quoted(body, entry.path);
      body += ",\"query\":";
      core::append_json_quoted(body, entry.query);
      body += fmt::format(",\"status\":{},\"fault\":", entry.status);
      core::append_json_quoted(body, entry.fault);
      body += "}";
    }
    reply(response, 200, body + "]");
  });
  server.Delete("/_control/requests", [this, reply](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex);
    log.clear();
    reply(response, 200, "{}");
  });
  server.Post("/_control/faults", [this, reply](const httplib::Request& request, httplib::Response& response) {
    try {
      Fault fault = Fault::from_json(Json::parse(request.body));
      std::lock_guard lock(mutex);
      faults.push_back(ArmedFault{fault, std::regex(fault.path), std::regex(fault.query_contains), 0});
      reply(response, 200, "{}");
    } catch (const std::exception& e) {
      reply(response, 400, e.what());
    }
  });
  server.Delete("/_control/faults", [this, reply](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex);
    faults.clear();
    reply(response, 200, "{}");
  });
}

FakeRegistry::FakeRegistry(Scenario scenario, FieldCatalogue fields, std::string metadata_text,
                           ControlEndpoints control)
    : m_state(std::make_unique<State>()) {
  m_state->scenario = std::move(scenario);
  m_state->fields = std::move(fields);
  m_state->metadata_text = std::move(metadata_text);
  m_state->control = control;
  m_state->go_to(0);
  if (control == ControlEndpoints::on) m_state->install_control_routes();
  auto serve = [state = m_state.get()](const httplib::Request& request, httplib::Response& response) {
    state->serve_api(request, response);
  };
  m_state->server.Get(R"(/(?!_control/).*)", serve);
  m_state->server.Get("/", serve);
}

FakeRegistry::~FakeRegistry() { stop(); }

int FakeRegistry::start(int port) {
  State& s = *m_state;
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second server bind a port in use and share its connections.
  s.server.set_socket_options(reuse_address_only);
  s.port = port == 0 ? s.server.bind_to_any_port("127.0.0.1") : (s.server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (s.port <= 0 && port != 0 && testing::accepting(port)) throw PortInUse(fmt::format("port {} is in use", port));
  if (s.port <= 0) throw std::runtime_error(fmt::format("the fake registry cannot listen on 127.0.0.1:{}", port));
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  // cpp-httplib ignores stop() until its accept loop runs, so wait for it: a stop() right after start() must work.
  for (int i = 0; i < 5000 && !s.server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!s.server.is_running()) throw std::runtime_error("the fake registry's server thread did not start");
  return s.port;
}

void FakeRegistry::stop() {
  State& s = *m_state;
  s.stopping = true;
  if (s.thread.joinable()) {
    s.server.stop();
    s.thread.join();
  }
}

std::string FakeRegistry::base_url() const { return fmt::format("http://127.0.0.1:{}/api/v2", m_state->port); }

std::string FakeRegistry::history_base_url() const { return fmt::format("http://127.0.0.1:{}/api/int", m_state->port); }

int FakeRegistry::day() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->day;
}

int FakeRegistry::day_count() const { return static_cast<int>(m_state->scenario.days.size()); }

bool FakeRegistry::advance_day() {
  std::lock_guard lock(m_state->mutex);
  if (m_state->day + 1 >= static_cast<int>(m_state->scenario.days.size())) return false;
  m_state->go_to(m_state->day + 1);
  return true;
}

void FakeRegistry::go_to_day(int day) {
  std::lock_guard lock(m_state->mutex);
  m_state->go_to(day);
}

void FakeRegistry::modify(const std::function<void(RegistryData&)>& change) {
  std::lock_guard lock(m_state->mutex);
  change(m_state->data);
  m_state->histories.record(m_state->data);  // a sponsor update made here is a version too
}

void FakeRegistry::add_fault(Fault fault) {
  std::lock_guard lock(m_state->mutex);
  std::regex path(fault.path);
  std::regex query(fault.query_contains);
  m_state->faults.push_back(ArmedFault{std::move(fault), std::move(path), std::move(query), 0});
}

void FakeRegistry::clear_faults() {
  std::lock_guard lock(m_state->mutex);
  m_state->faults.clear();
}

std::vector<LoggedRequest> FakeRegistry::requests() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->log;
}

void FakeRegistry::clear_requests() {
  std::lock_guard lock(m_state->mutex);
  m_state->log.clear();
}

std::pair<FieldCatalogue, std::string> load_metadata(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "api" / "studies_metadata.aact-v2.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JsonError("cannot read the field metadata " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return {FieldCatalogue::from_tree(Json::parse(text.str())), text.str()};
}

}  // namespace trialwatch::fakeregistry
