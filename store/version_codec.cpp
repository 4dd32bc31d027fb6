// SPDX-License-Identifier: MIT
#include "store/detail/version_codec.hpp"

#include "store/detail/delta_copies.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_compressSequences: Debian 12's libzstd 1.5.4 exports it
#include <zstd.h>

#include <map>
#include <vector>

namespace trialwatch::store::detail {

namespace {

// Against a prefix almost everything is one long match, which level 2 (one hash table instead of level 3's two)
// finds too, a third faster, for a frame a few bytes longer (140 instead of 132 bytes on the recorded studies).
constexpr int k_delta_level = 2;
// The most new bytes (not copied from the previous version) a delta may have to be built from copies.
constexpr std::size_t k_max_copy_literals = 4096;
// The largest window a decoder accepts without being told to (zstd's ZSTD_WINDOWLOG_LIMIT_DEFAULT): 128 MiB.
constexpr int k_max_window_log = 27;

// The window that reaches from the end of `raw` back to the start of `prefix` (zstd shrinks it to what the sizes
// need), so a delta of a multi-megabyte record still finds its matches: level 2's own window is 1 MiB.
int window_log_for(std::size_t bytes) {
  int log = 10;
  while (log < k_max_window_log && (std::size_t{1} << log) < bytes) ++log;
  return log;
}

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* context) const noexcept { ZSTD_freeCCtx(context); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* context) const noexcept { ZSTD_freeDCtx(context); }
};
struct CDictDeleter {
  void operator()(ZSTD_CDict* dictionary) const noexcept { ZSTD_freeCDict(dictionary); }
};
struct DDictDeleter {
  void operator()(ZSTD_DDict* dictionary) const noexcept { ZSTD_freeDDict(dictionary); }
};

// Reset `context` for one frame: a delta against a prefix of `prefix_bytes` (level 2, a window over prefix and
// document) or, when `prefix_bytes` is 0, a standalone frame (level 3, with `dictionary` unless it is null). Return
// zstd's status.
std::size_t start_frame(ZSTD_CCtx* context, std::size_t prefix_bytes, std::size_t raw_bytes,
                        const ZSTD_CDict* dictionary) {
  ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
  const bool delta = prefix_bytes > 0;
  std::size_t status =
      ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, delta ? k_delta_level : k_standalone_level);
  if (!ZSTD_isError(status) && delta)
    status = ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, window_log_for(prefix_bytes + raw_bytes));
  // A standalone frame carries a checksum of its content (4 bytes): decoded with the wrong dictionary or damaged, it
  // fails instead of giving other bytes.
  if (!ZSTD_isError(status) && !delta) status = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  if (!ZSTD_isError(status) && !delta && dictionary) {
    // Attached, the dictionary's tables are searched where they are; copied into the context (zstd's choice above
    // 8 KB of input) they cost a third of the compression speed of a 17 KB study.
    status = ZSTD_CCtx_setParameter(context, ZSTD_c_forceAttachDict, ZSTD_dictForceAttach);
    if (!ZSTD_isError(status)) status = ZSTD_CCtx_refCDict(context, dictionary);
  }
  return status;
}

// Make `buffer` hold at least `size` bytes and return where they start.
char* at_least(std::string& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

// Decompress `frame` against `prefix`, or with `dictionary` when there is no prefix and it is not null, into `out`
// (which holds exactly `size` bytes); false if it does not fit.
bool decompress_into(ZSTD_DCtx* context, std::string_view frame, std::string_view prefix, const ZSTD_DDict* dictionary,
                     char* out, std::size_t size) {
  ZSTD_DCtx_reset(context, ZSTD_reset_session_and_parameters);
  if (!prefix.empty() && ZSTD_isError(ZSTD_DCtx_refPrefix(context, prefix.data(), prefix.size()))) return false;
  if (prefix.empty() && dictionary && ZSTD_isError(ZSTD_DCtx_refDDict(context, dictionary))) return false;
  const std::size_t got = ZSTD_decompressDCtx(context, out, size, frame.data(), frame.size());
  return !ZSTD_isError(got) && got == size;
}

[[noreturn]] void damaged(std::string_view what) {
  throw StoreError(StoreError::Kind::corrupt, fmt::format("the stored copy of {} is damaged; restore a backup", what));
}

}  // namespace

struct VersionCodec::Contexts {
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> compressor{ZSTD_createCCtx()};
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> decompressor{ZSTD_createDCtx()};
  CopyFinder copies;
  // Work buffers that only grow: filling a fresh megabyte with zeros for every version would cost more than
  // compressing it against its prefix.
  std::string frame;
  std::string check;
  std::vector<ZSTD_Sequence> sequences;
  // The dictionary standalone frames are compressed with, and every dictionary known to the decoder, by zstd ID.
  std::unique_ptr<ZSTD_CDict, CDictDeleter> compression_dictionary;
  std::uint32_t compression_dictionary_id = 0;
  std::map<std::uint32_t, std::unique_ptr<ZSTD_DDict, DDictDeleter>> decoding_dictionaries;

  // The decoder's dictionary `id`, or null if it has none (or `id` is 0).
  const ZSTD_DDict* decoding_dictionary(std::uint32_t id) const {
    const auto it = decoding_dictionaries.find(id);
    return it == decoding_dictionaries.end() ? nullptr : it->second.get();
  }

  // Compress `raw` into `frame` as the copies from `prefix` that CopyFinder finds, entropy-coded by zstd; return
  // the frame's size, or 0 when that does not work (no copies, or zstd refuses).
  std::size_t encode_copies(std::string_view raw, std::string_view prefix);
  // Whether `frame` decodes against `prefix` to exactly `raw`.
  bool decodes_to(std::string_view frame, std::string_view prefix, std::string_view raw);
};

std::size_t VersionCodec::Contexts::encode_copies(std::string_view raw, std::string_view prefix) {
  const auto& found = copies.find(prefix, raw);
  std::size_t copied = 0;
  for (const auto& copy : found) copied += copy.length;
  // New text is only entropy-coded here, never matched within itself: a version that brings much of it (results
  // posted, a rewritten record) is left to zstd's own match finder, which does both.
  if (found.empty() || raw.size() - copied > k_max_copy_literals) return 0;
  sequences.clear();
  for (const auto& copy : found) sequences.push_back(ZSTD_Sequence{copy.distance, copy.literals, copy.length, 0});
  ZSTD_CCtx* context = compressor.get();
  std::size_t status = start_frame(context, prefix.size(), raw.size(), nullptr);
  const std::size_t bound = ZSTD_compressBound(raw.size());
  char* const out = at_least(frame, bound);
  if (!ZSTD_isError(status))
    status = ZSTD_compressSequences(context, out, bound, sequences.data(), sequences.size(), raw.data(), raw.size());
  return ZSTD_isError(status) ? 0 : status;
}

bool VersionCodec::Contexts::decodes_to(std::string_view encoded, std::string_view prefix, std::string_view raw) {
  char* const out = at_least(check, raw.size());
  const ZSTD_DDict* dictionary = prefix.empty() ? decoding_dictionary(compression_dictionary_id) : nullptr;
  return decompress_into(decompressor.get(), encoded, prefix, dictionary, out, raw.size()) &&
         std::string_view(out, raw.size()) == raw;
}

VersionCodec::VersionCodec() : m_contexts(std::make_unique<Contexts>()) {
  if (!m_contexts->compressor || !m_contexts->decompressor)
    throw StoreError(StoreError::Kind::io, "out of memory for zstd");
}

VersionCodec::~VersionCodec() = default;

void VersionCodec::compress_with(std::uint32_t id, std::string_view dictionary) {
  add_dictionary(id, dictionary);
  std::unique_ptr<ZSTD_CDict, CDictDeleter> compressing(
      ZSTD_createCDict(dictionary.data(), dictionary.size(), k_standalone_level));
  if (!compressing) throw StoreError(StoreError::Kind::io, "out of memory for zstd");
  m_contexts->compression_dictionary = std::move(compressing);
  m_contexts->compression_dictionary_id = id;
}

std::uint32_t VersionCodec::compression_dictionary() const { return m_contexts->compression_dictionary_id; }

void VersionCodec::add_dictionary(std::uint32_t id, std::string_view dictionary) {
  if (id_of_dictionary(dictionary) != id)
    throw StoreError(StoreError::Kind::corrupt,
                     fmt::format("compression dictionary {} is damaged; restore a backup", id));
  std::unique_ptr<ZSTD_DDict, DDictDeleter> decoding(ZSTD_createDDict(dictionary.data(), dictionary.size()));
  if (!decoding) throw StoreError(StoreError::Kind::io, "out of memory for zstd");
  m_contexts->decoding_dictionaries[id] = std::move(decoding);
}

bool VersionCodec::knows_dictionary(std::uint32_t id) const { return m_contexts->decoding_dictionary(id) != nullptr; }

std::uint32_t VersionCodec::dictionary_of(std::string_view frame) {
  return ZSTD_getDictID_fromFrame(frame.data(), frame.size());
}

std::uint32_t VersionCodec::id_of_dictionary(std::string_view dictionary) {
  return ZSTD_getDictID_fromDict(dictionary.data(), dictionary.size());
}

std::optional<std::uint64_t> VersionCodec::content_size(std::string_view frame) {
  const auto size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return std::nullopt;
  return size;
}

std::string VersionCodec::encode(std::string_view raw, std::string_view prefix) {
  // A delta is built from the copies CopyFinder finds: zstd's own match finder would first index every byte of the
  // prefix, which costs more than the rest of the delta. When that gives nothing usable, zstd does it all.
  if (!prefix.empty()) {
    const std::size_t size = m_contexts->encode_copies(raw, prefix);
    const std::string_view encoded(m_contexts->frame.data(), size);
    if (size > 0 && m_contexts->decodes_to(encoded, prefix, raw)) return std::string(encoded);
  }
  ZSTD_CCtx* context = m_contexts->compressor.get();
  std::size_t status = start_frame(context, prefix.size(), raw.size(), m_contexts->compression_dictionary.get());
  if (!ZSTD_isError(status) && !prefix.empty()) status = ZSTD_CCtx_refPrefix(context, prefix.data(), prefix.size());
  const std::size_t bound = ZSTD_compressBound(raw.size());
  char* const frame = at_least(m_contexts->frame, bound);
  if (!ZSTD_isError(status)) status = ZSTD_compress2(context, frame, bound, raw.data(), raw.size());
  if (ZSTD_isError(status))
    throw StoreError(StoreError::Kind::io, std::string("compressing a study failed: ") + ZSTD_getErrorName(status));
  const std::string_view encoded(frame, status);
  // Decoding a delta costs microseconds (it is mostly one long copy); it proves the history stays readable.
  if (!m_contexts->decodes_to(encoded, prefix, raw))
    throw StoreError(StoreError::Kind::io, "compressing a study gave a frame that does not decode to it");
  return std::string(encoded);
}

std::string VersionCodec::decode(std::string_view frame, std::string_view prefix, std::string_view what) {
  const auto expected = content_size(frame);
  if (!expected) damaged(what);
  // A delta names no dictionary (its prefix is the version before); a standalone frame may.
  const std::uint32_t dictionary_id = dictionary_of(frame);
  const ZSTD_DDict* dictionary = m_contexts->decoding_dictionary(dictionary_id);
  if (dictionary_id != 0 && (!prefix.empty() || !dictionary)) damaged(what);
  std::string out(*expected, '\0');
  if (!decompress_into(m_contexts->decompressor.get(), frame, prefix, dictionary, out.data(), out.size()))
    damaged(what);
  return out;
}

}  // namespace trialwatch::store::detail
