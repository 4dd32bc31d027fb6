// SPDX-License-Identifier: MIT
// Serves a GeneratedRegistry over loopback the way the registry's API v2 answers the requests trialwatchd makes:
// GET /version, GET /studies with filter.ids (full documents or the watermark projection), GET /studies/{id}; and,
// for studies given a history, the website's GET /api/int/studies/{id}?history=true and .../history/{n}.
#pragma once

#include "bench/generated_registry.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trialwatch::bench {

// An HTTP server on 127.0.0.1 (a free port) over `registry`, on a thread of its own until destroyed.
class RegistryServer {
 public:
  // Serve `registry`, which must outlive the server.
  explicit RegistryServer(GeneratedRegistry& registry);
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  // The API root, e.g. http://127.0.0.1:41234/api/v2.
  std::string base_url() const;
  // Publish the registry's next day (under the server's lock).
  DayChanges advance_day();
  // Serve `list` (a ?history=true answer) and `versions` (the /history/{n} answers, n from 0) for the study `id`.
  void serve_history(const std::string& id, std::string list, std::vector<std::string> versions);
  // Requests answered under /api/int so far.
  std::uint64_t history_requests() const;
  // Requests answered and body bytes sent (before compression) so far.
  std::uint64_t requests() const;
  std::uint64_t body_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace trialwatch::bench
