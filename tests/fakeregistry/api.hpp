// SPDX-License-Identifier: MIT
#pragma once

#include "tests/fakeregistry/fields.hpp"
#include "tests/fakeregistry/history.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace trialwatch::fakeregistry {

// One HTTP answer of the fake registry, before any fault is applied.
struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The query parameters of one request, in arrival order (names may repeat).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Answer a request for `path` with `params` the way ClinicalTrials.gov API v2 (/api/v2) and the website's history
// endpoints (/api/int, from `histories`) do, from `data`. `metadata_text` is served verbatim for /studies/metadata.
ApiResponse answer(const std::string& path, const QueryParams& params, const RegistryData& data,
                   const FieldCatalogue& fields, const std::string& metadata_text, const StudyHistories& histories);

}  // namespace trialwatch::fakeregistry
