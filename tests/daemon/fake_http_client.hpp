// SPDX-License-Identifier: MIT
#pragma once

#include "fetch/http_client.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::testing {

// An in-memory ClinicalTrials.gov behind the fetch::HttpClient seam, so tests drive a whole SyncCycle in-process. It
// serves GET /version, /studies pages by `filter.ids` (following `pageSize`; projections are not applied, a page
// carries the full documents, which hold every projected field) and /studies/{id}, from documents held as text and
// sent byte for byte; it answers scripted failures where told, and logs every URL it is asked for.
class FakeHttpClient final : public fetch::HttpClient {
 public:
  // The base URL to give the registry client (fetch::RegistryClientOptions::base_url).
  static constexpr const char* k_base_url = "https://registry.test/api/v2";

  // The token GET /version reports.
  std::string data_timestamp = "2026-08-19T09:00:06";

  // Serve `json`, a full study document, as the study `nct_id`, replacing any earlier one.
  void put(const std::string& nct_id, std::string json);
  // Stop serving `nct_id`: pages leave it out and /studies/{nct_id} answers 404.
  void remove(const std::string& nct_id);
  // Answer /studies/{alias} with 301 to /studies/{canonical}; pages leave the alias out.
  void alias(const std::string& alias, const std::string& canonical);
  // Answer 400 "Item N in parameter `filter.ids` has incorrect format" to a page whose `filter.ids` lists `nct_id`
  // (N its place in the list), as the registry does for the IDs it refuses.
  void reject(const std::string& nct_id);
  // Answer `status` with `body` (text/plain) to every request whose URL satisfies `when`, instead of its answer.
  void fail_when(std::function<bool(const std::string& url)> when, int status, std::string body = {});
  // Stop answering the scripted failures.
  void heal() { m_failures.clear(); }

  // Say whether `url` asks for a page of full documents (`filter.ids` without `fields`).
  static bool is_full_page(const std::string& url);
  // Say whether `url` asks for a page of the watermark pass (`filter.ids` with `fields`).
  static bool is_watermark_page(const std::string& url);

  // Return every URL asked for, in order.
  const std::vector<std::string>& requests() const noexcept { return m_requests; }
  // Return how many of the URLs asked for satisfy `which`.
  std::size_t count(const std::function<bool(const std::string& url)>& which) const;
  // Forget the URLs asked for so far.
  void clear_requests() { m_requests.clear(); }

  // Answer GET `url` as described above.
  fetch::HttpOutcome get(const std::string& url) override;
  // Answer 405: the registry takes no POST.
  fetch::HttpOutcome post(const fetch::HttpPost& request) override;

 private:
  // A scripted failure.
  struct Failure {
    std::function<bool(const std::string&)> when;
    int status;
    std::string body;
  };

  fetch::HttpResponse list(const std::map<std::string, std::string>& params) const;
  fetch::HttpResponse single(const std::string& nct_id) const;

  std::map<std::string, std::string> m_studies;  // NCT ID -> document
  std::map<std::string, std::string> m_aliases;  // alias -> canonical NCT ID
  std::set<std::string> m_rejected;
  std::vector<Failure> m_failures;
  std::vector<std::string> m_requests;
};

}  // namespace trialwatch::testing
