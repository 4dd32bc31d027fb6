// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/server.hpp"
#include "tests/support/test_data.hpp"

#include <httplib.h>

#include <memory>
#include <string>

namespace trialwatch::testing {

// A started fake registry over tests/data/ctgov (or a given scenario) and an HTTP client pointed at it.
struct RegistryFixture {
  explicit RegistryFixture(
      fakeregistry::Scenario scenario = base_scenario(),
      fakeregistry::FakeRegistry::ControlEndpoints control = fakeregistry::FakeRegistry::ControlEndpoints::off)
      : registry(std::move(scenario), metadata().first, metadata().second, control),
        port(registry.start()),
        client("127.0.0.1", port) {
    client.set_read_timeout(10, 0);
  }

  // The recorded documents of tests/data/ctgov as a scenario without days.
  static fakeregistry::Scenario base_scenario() {
    fakeregistry::Scenario scenario;
    scenario.base = fakeregistry::load_documents(test_data_dir() / "ctgov");
    return scenario;
  }

  static const std::pair<fakeregistry::FieldCatalogue, std::string>& metadata() {
    static const auto loaded = fakeregistry::load_metadata(test_data_dir() / "ctgov");
    return loaded;
  }

  // GET `target` (path and query) and return the response; fail the test when no response came.
  httplib::Result get(const std::string& target) { return client.Get(target.c_str()); }

  fakeregistry::FakeRegistry registry;
  int port;
  httplib::Client client;
};

}  // namespace trialwatch::testing
