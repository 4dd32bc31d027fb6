// SPDX-License-Identifier: MIT
#include "store/detail/version_chain.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>

namespace trialwatch::store::detail {

namespace {

// Give `codec` the dictionary `frame` names, from the `dictionaries` table: schema 7 compressed standalone frames
// with a dictionary it trained, and they stay readable (none is written any more). Throw StoreError (corrupt) with a
// sentence naming `what` when the database does not hold it.
void load_dictionary(const Database& db, VersionCodec& codec, std::string_view frame, std::string_view what) {
  const std::uint32_t id = VersionCodec::dictionary_of(frame);
  if (id == 0 || codec.knows_dictionary(id)) return;
  auto query = statement(db, "SELECT content FROM dictionaries WHERE id = ?");
  query->bind(1, static_cast<std::int64_t>(id));
  if (!query->executeStep())
    throw StoreError(StoreError::Kind::corrupt,
                     fmt::format("the stored copy of {} needs compression dictionary {}, which the database does not "
                                 "hold; restore a backup",
                                 what, id));
  codec.add_dictionary(id, blob_view(query->getColumn(0)));
}

// Decode the frames `sql` selects (number, base, document; oldest first; ?1 the study, ?2 `number` when given) one
// after the other, each delta against the one before, and call `visit` with each number and its bytes (null for a
// version listed without a document). Throw StoreError (corrupt) when the chain is broken or a frame is damaged.
void walk_chain(const Database& db, VersionCodec& codec, std::string_view sql, std::string_view label,
                const std::string& nct_id, std::optional<int> number,
                const std::function<void(int, const std::string*)>& visit) {
  auto chain = statement(db, sql);
  chain->bind(1, nct_id);
  if (number) chain->bind(2, *number);
  std::optional<std::string> raw;
  int decoded = -1;
  while (chain->executeStep()) {
    const int at = chain->getColumn(0).getInt();
    const auto base = chain->getColumn(1);
    if (chain->getColumn(2).isNull()) {  // a past version listed, not fetched (yet): no delta can follow it
      raw.reset();
      decoded = at;
      visit(at, nullptr);
      continue;
    }
    const std::string what = fmt::format("{} {} {}", nct_id, label, at);
    if (base.isNull()) raw.reset();  // a standalone frame starts the chain anew
    if (base.isNull() != !raw || (raw && base.getInt() != decoded))
      throw StoreError(StoreError::Kind::corrupt,
                       fmt::format("the stored copy of {} is damaged; restore a backup", what));
    const std::string_view frame = blob_view(chain->getColumn(2));
    if (!raw) load_dictionary(db, codec, frame, what);
    raw = codec.decode(frame, raw ? std::string_view(*raw) : std::string_view(), what);
    decoded = at;
    visit(at, &*raw);
  }
}

}  // namespace

std::optional<std::string> decode_chain(const Database& db, VersionCodec& codec, const FrameTable& frames,
                                        const std::string& nct_id, int number) {
  std::optional<std::string> found;
  walk_chain(db, codec, frames.chain_sql, frames.label, nct_id, number, [&](int at, const std::string* raw) {
    if (at != number) return;
    if (raw != nullptr) found = *raw;
  });
  return found;
}

void decode_all(const Database& db, VersionCodec& codec, const FrameTable& frames, const std::string& nct_id,
                const std::function<void(int, const std::string*)>& visit) {
  walk_chain(db, codec, frames.all_sql, frames.label, nct_id, std::nullopt, visit);
}

}  // namespace trialwatch::store::detail
