// SPDX-License-Identifier: MIT
#include "store/detail/version_codec.hpp"

#include "store/store_error.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <map>

namespace trialwatch::store::detail {

namespace {

// Standalone frames: zstd's default level.
constexpr int k_standalone_level = 3;
// Against a prefix almost everything is one long match, which level 2 (one hash table instead of level 3's two)
// finds too, faster, for a frame a few bytes longer.
constexpr int k_delta_level = 2;
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
struct DDictDeleter {
  void operator()(ZSTD_DDict* dictionary) const noexcept { ZSTD_freeDDict(dictionary); }
};

// Compress `raw` into `out` (`capacity` bytes) with `context`: against `prefix` (level 2, a window over prefix and
// document) or, when `prefix` is empty, as a standalone frame (level 3, with a checksum of its content: damaged, it
// fails instead of giving other bytes). Return zstd's status or the frame's size.
std::size_t compress(ZSTD_CCtx* context, std::string_view raw, std::string_view prefix, char* out,
                     std::size_t capacity) {
  ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
  const bool delta = !prefix.empty();
  std::size_t status =
      ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, delta ? k_delta_level : k_standalone_level);
  if (!ZSTD_isError(status) && delta)
    status = ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, window_log_for(prefix.size() + raw.size()));
  if (!ZSTD_isError(status) && delta) status = ZSTD_CCtx_refPrefix(context, prefix.data(), prefix.size());
  if (!ZSTD_isError(status) && !delta) status = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  if (!ZSTD_isError(status)) status = ZSTD_compress2(context, out, capacity, raw.data(), raw.size());
  return status;
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

// Make `buffer` hold at least `size` bytes and return where they start.
char* at_least(std::string& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

[[noreturn]] void damaged(std::string_view what) {
  throw StoreError(StoreError::Kind::corrupt, fmt::format("the stored copy of {} is damaged; restore a backup", what));
}

}  // namespace

struct VersionCodec::Contexts {
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> compressor{ZSTD_createCCtx()};
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> decompressor{ZSTD_createDCtx()};
  // Work buffers that only grow: filling a fresh megabyte with zeros for every version would cost more than
  // compressing it against its prefix.
  std::string frame;
  std::string check;
  // The dictionaries of schema 7's standalone frames that decode() was given, by zstd ID.
  std::map<std::uint32_t, std::unique_ptr<ZSTD_DDict, DDictDeleter>> dictionaries;

  // The dictionary `id`, or null if decode() was not given it (or `id` is 0).
  const ZSTD_DDict* dictionary(std::uint32_t id) const {
    const auto it = dictionaries.find(id);
    return it == dictionaries.end() ? nullptr : it->second.get();
  }
};

VersionCodec::VersionCodec() : m_contexts(std::make_unique<Contexts>()) {
  if (!m_contexts->compressor || !m_contexts->decompressor)
    throw StoreError(StoreError::Kind::io, "out of memory for zstd");
}

VersionCodec::~VersionCodec() = default;

void VersionCodec::add_dictionary(std::uint32_t id, std::string_view dictionary) {
  if (ZSTD_getDictID_fromDict(dictionary.data(), dictionary.size()) != id)
    throw StoreError(StoreError::Kind::corrupt,
                     fmt::format("compression dictionary {} is damaged; restore a backup", id));
  std::unique_ptr<ZSTD_DDict, DDictDeleter> decoding(ZSTD_createDDict(dictionary.data(), dictionary.size()));
  if (!decoding) throw StoreError(StoreError::Kind::io, "out of memory for zstd");
  m_contexts->dictionaries[id] = std::move(decoding);
}

bool VersionCodec::knows_dictionary(std::uint32_t id) const { return m_contexts->dictionary(id) != nullptr; }

std::uint32_t VersionCodec::dictionary_of(std::string_view frame) {
  return ZSTD_getDictID_fromFrame(frame.data(), frame.size());
}

std::string VersionCodec::encode(std::string_view raw, std::string_view prefix) {
  const std::size_t bound = ZSTD_compressBound(raw.size());
  char* const frame = at_least(m_contexts->frame, bound);
  const std::size_t size = compress(m_contexts->compressor.get(), raw, prefix, frame, bound);
  if (ZSTD_isError(size))
    throw StoreError(StoreError::Kind::io, std::string("compressing a study failed: ") + ZSTD_getErrorName(size));
  // Decoding a delta costs microseconds (it is mostly one long copy); it proves the history stays readable.
  char* const check = at_least(m_contexts->check, raw.size());
  if (!decompress_into(m_contexts->decompressor.get(), std::string_view(frame, size), prefix, nullptr, check,
                       raw.size()) ||
      std::string_view(check, raw.size()) != raw)
    throw StoreError(StoreError::Kind::io, "compressing a study gave a frame that does not decode to it");
  return std::string(frame, size);
}

std::string VersionCodec::decode(std::string_view frame, std::string_view prefix, std::string_view what) {
  const auto expected = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (expected == ZSTD_CONTENTSIZE_ERROR || expected == ZSTD_CONTENTSIZE_UNKNOWN) damaged(what);
  // A delta names no dictionary (its prefix is the version before); a standalone frame of schema 7 may.
  const std::uint32_t dictionary_id = dictionary_of(frame);
  const ZSTD_DDict* dictionary = m_contexts->dictionary(dictionary_id);
  if (dictionary_id != 0 && (!prefix.empty() || !dictionary)) damaged(what);
  std::string out(expected, '\0');
  if (!decompress_into(m_contexts->decompressor.get(), frame, prefix, dictionary, out.data(), out.size()))
    damaged(what);
  return out;
}

}  // namespace trialwatch::store::detail
