// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/faults.hpp"
#include "tests/fakeregistry/fields.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace trialwatch::fakeregistry {

// Thrown by FakeRegistry::start when another program already listens on the port asked for.
struct PortInUse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One request the fake registry received, for tests that assert what a client asked and how often.
struct LoggedRequest {
  std::string method;
  std::string path;
  std::string query;  // the raw query string, without '?'
  int status = 0;     // the status sent (0 when a fault cut the connection before a status line)
  std::string fault;  // the fault applied, empty if none
};

// A local HTTP server that behaves like ClinicalTrials.gov API v2 over a scripted Scenario: it serves the
// documents of the current day, pages and projects like the real API, serves the website's version history built
// from the days, injects scripted faults and logs every request. Listens on 127.0.0.1 only.
class FakeRegistry {
 public:
  // Whether the /_control endpoints (time travel, faults, request log over HTTP) are served.
  enum class ControlEndpoints { off, on };

  // Serve `scenario` at its day 0 with the field tree `fields`; `metadata_text` is served as /studies/metadata.
  FakeRegistry(Scenario scenario, FieldCatalogue fields, std::string metadata_text = {},
               ControlEndpoints control = ControlEndpoints::off);
  ~FakeRegistry();
  FakeRegistry(const FakeRegistry&) = delete;
  FakeRegistry& operator=(const FakeRegistry&) = delete;

  // Start listening on 127.0.0.1:`port` (0 picks a free port) in a background thread; return the bound port.
  // Throws PortInUse when something already listens there (no port sharing: a second registry must not answer).
  int start(int port = 0);
  // Stop listening and wait for the server thread.
  void stop();
  // Return the base URL clients use, e.g. "http://127.0.0.1:40123/api/v2".
  std::string base_url() const;
  // Return the base URL of the website's history endpoints, e.g. "http://127.0.0.1:40123/api/int".
  std::string history_base_url() const;

  // Return the current day (0-based).
  int day() const;
  // Return how many days the scenario has.
  int day_count() const;
  // Move to the next day; return false (and stay) when there is none.
  bool advance_day();
  // Move to day `day` (replayed from the base, so moving backwards works too).
  void go_to_day(int day);
  // Change the current data directly, outside the scenario (e.g. a one-off timestamp).
  void modify(const std::function<void(RegistryData&)>& change);

  // Add a fault; faults are checked in the order added and the first that matches applies.
  void add_fault(Fault fault);
  // Remove every fault.
  void clear_faults();

  // Return the requests received so far (control requests excluded).
  std::vector<LoggedRequest> requests() const;
  // Forget the requests received so far.
  void clear_requests();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

// Load the field catalogue and metadata text from `data_dir`/api/studies_metadata.aact-v2.json.
std::pair<FieldCatalogue, std::string> load_metadata(const std::filesystem::path& data_dir);

}  // namespace trialwatch::fakeregistry
