// SPDX-License-Identifier: MIT
// Internal to store/: the samples a zstd dictionary for standalone versions is trained from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trialwatch::store::detail {

// Collects the start of the documents stored as standalone frames until there are enough to train a zstd dictionary
// from them: a 17 KB study alone compresses to ~28 % of its JSON, because every document spells out the same keys,
// enumerations and boilerplate that a dictionary holds once.
class DictionaryTrainer {
 public:
  // The sample bytes a dictionary is trained from: about a hundred times its size, as zstd advises.
  static constexpr std::size_t k_sample_bytes = 8u << 20;
  // The largest dictionary trained.
  static constexpr std::size_t k_dictionary_bytes = 64u << 10;

  // Add the first 64 KiB of `document`, in 16 KiB samples (one record with results must not become the whole
  // training set).
  void add(std::string_view document);
  // Whether enough samples are in to train.
  bool ready() const { return m_samples.size() >= k_sample_bytes; }
  // How many documents were added.
  std::size_t documents() const { return m_documents; }
  // Train a dictionary and free the samples; empty when zstd cannot train one from them. Its zstd ID (in its header,
  // 32,768 or more) is derived from its content, so a dictionary trained again from other samples (after the table
  // lost its rows, or by another process) never takes the ID of one that frames already name.
  std::string train();

 private:
  std::string m_samples;             // the samples, one after another
  std::vector<std::size_t> m_sizes;  // the size of each
  std::size_t m_documents = 0;
};

}  // namespace trialwatch::store::detail
