// SPDX-License-Identifier: MIT
// Shared by the benchmark programs: how the recorded documents are replicated into a registry of N studies.
#pragma once

#include "tests/fakeregistry/registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace trialwatch::bench {

// How the recorded documents are replicated.
enum class Mix {
  uniform,         // each recorded document equally often (mean ~77 KB: a few 0.5-1.5 MB records dominate)
  registry_sized,  // weights size^-a, a chosen so the mean is the registry's 17,301 bytes (docs/registry-api.md)
};

// Return how many copies of each of `sizes` make `n` studies under `mix`.
inline std::vector<std::size_t> copies_for(const std::vector<std::size_t>& sizes, std::size_t n, Mix mix) {
  std::vector<double> weights(sizes.size(), 1.0);
  if (mix == Mix::registry_sized) {
    constexpr double k_registry_mean = 17301.0;
    double low = 0.0, high = 3.0;
    for (int step = 0; step < 60; ++step) {  // the weighted mean falls as the exponent grows
      const double a = (low + high) / 2;
      double total = 0, weighted = 0;
      for (const auto size : sizes) {
        const double w = std::pow(static_cast<double>(size), -a);
        total += w;
        weighted += w * static_cast<double>(size);
      }
      (weighted / total > k_registry_mean ? low : high) = a;
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) weights[i] = std::pow(static_cast<double>(sizes[i]), -low);
  }
  double total = 0;
  for (const auto w : weights) total += w;
  std::vector<std::size_t> copies;
  std::size_t assigned = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    copies.push_back(std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(n) * weights[i] / total)));
    assigned += copies.back();
  }
  for (std::size_t i = 0; assigned < n; i = (i + 1) % copies.size(), ++assigned) ++copies[i];
  return copies;
}

// The recorded documents the benches replicate, minified, with their sizes.
struct Recorded {
  std::vector<std::string> documents;
  std::vector<std::size_t> sizes;  // sizes[i] is documents[i].size()
};

// Return the recorded documents in `data` (tests/data/ctgov).
inline Recorded recorded_documents(const std::filesystem::path& data) {
  const fakeregistry::RegistryData recorded = fakeregistry::load_documents(data);
  Recorded out;
  for (const auto& [id, study] : recorded.studies()) {
    out.documents.push_back(study.dump());
    out.sizes.push_back(out.documents.back().size());
  }
  return out;
}

}  // namespace trialwatch::bench
