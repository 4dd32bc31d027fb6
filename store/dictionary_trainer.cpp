// SPDX-License-Identifier: MIT
#include "store/detail/dictionary_trainer.hpp"

#include "store/detail/version_codec.hpp"

#define ZDICT_STATIC_LINKING_ONLY  // ZDICT_params_t: Debian 12's libzstd 1.5.4 exports the functions that take it
#include <algorithm>
#include <zdict.h>

namespace trialwatch::store::detail {

namespace {

constexpr std::size_t k_sample_piece = 16u << 10;
constexpr std::size_t k_pieces_per_document = 4;

}  // namespace

void DictionaryTrainer::add(std::string_view document) {
  if (m_samples.empty()) m_samples.reserve(k_sample_bytes + k_pieces_per_document * k_sample_piece);
  ++m_documents;
  for (std::size_t piece = 0; piece < k_pieces_per_document && !document.empty(); ++piece) {
    const std::size_t size = std::min(document.size(), k_sample_piece);
    m_samples.append(document.substr(0, size));
    m_sizes.push_back(size);
    document.remove_prefix(size);
  }
}

std::string DictionaryTrainer::train() {
  std::string dictionary(k_dictionary_bytes, '\0');
  // zstd's default trainer (fast cover, a few parameter sets tried): ~0.4 s for 8 MiB of samples on this machine.
  ZDICT_fastCover_params_t params{};
  params.d = 8;
  params.steps = 4;
  params.zParams.compressionLevel = k_standalone_level;
  params.zParams.dictID = 0;  // zstd derives it from the content: another dictionary gets another ID
  const std::size_t size =
      ZDICT_optimizeTrainFromBuffer_fastCover(dictionary.data(), dictionary.size(), m_samples.data(), m_sizes.data(),
                                              static_cast<unsigned>(m_sizes.size()), &params);
  std::string().swap(m_samples);
  std::vector<std::size_t>().swap(m_sizes);
  if (ZDICT_isError(size)) return {};
  dictionary.resize(size);
  return dictionary;
}

}  // namespace trialwatch::store::detail
