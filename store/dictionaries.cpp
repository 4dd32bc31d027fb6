// SPDX-License-Identifier: MIT
#include "store/detail/dictionaries.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"
#include "store/store_error.hpp"

#include <fmt/format.h>

namespace trialwatch::store::detail {

void Dictionaries::before_standalone(std::string_view document, const std::string& now) {
  if (!m_looked_up) {
    m_looked_up = true;
    if (!load_newest()) seed_from_stored();
  }
  if (m_codec.compression_dictionary() == 0) {
    if (m_training_failed) return;
    m_trainer->add(document);  // seed_from_stored() made it: no dictionary was loaded
    if (!m_trainer->ready() || !train(now)) return;
  }
  if (m_trained && !m_written_in_transaction) write();
}

void Dictionaries::before_decode(std::string_view frame, std::string_view what) {
  const std::uint32_t id = VersionCodec::dictionary_of(frame);
  if (id == 0 || m_codec.knows_dictionary(id)) return;
  auto query = statement(m_db, "SELECT content FROM dictionaries WHERE id = ?");
  query->bind(1, static_cast<std::int64_t>(id));
  if (!query->executeStep())
    throw StoreError(StoreError::Kind::corrupt,
                     fmt::format("the stored copy of {} needs compression dictionary {}, which the database does not "
                                 "hold; restore a backup",
                                 what, id));
  m_codec.add_dictionary(id, blob_view(query->getColumn(0)));
}

bool Dictionaries::load_newest() {
  auto query = statement(m_db, "SELECT id, content FROM dictionaries ORDER BY trained_at DESC, id DESC LIMIT 1");
  if (!query->executeStep()) return false;
  m_codec.compress_with(static_cast<std::uint32_t>(query->getColumn(0).getInt64()), blob_view(query->getColumn(1)));
  return true;
}

void Dictionaries::seed_from_stored() {
  m_trainer.emplace();
  // In the order they were stored; each standalone frame decodes alone. One that names a dictionary (the database
  // has none), says it holds another size than its row, or does not decode is only not a sample: reading that
  // version reports it. This runs inside the caller's write transaction, once per process, and costs up to 8 MiB
  // of decoding and ~0.4 s of training: well within the busy timeout of a reader waiting for it.
  auto query = statement(m_db, "SELECT raw_size, document FROM versions WHERE base IS NULL ORDER BY rowid");
  while (!m_trainer->ready() && query->executeStep()) {
    const std::string_view frame = blob_view(query->getColumn(1));
    const auto size = VersionCodec::content_size(frame);
    if (VersionCodec::dictionary_of(frame) != 0 || !size ||
        *size != static_cast<std::uint64_t>(query->getColumn(0).getInt64()))
      continue;
    try {
      m_trainer->add(m_codec.decode(frame, {}, "a stored version"));
    } catch (const StoreError&) {
    }
  }
}

bool Dictionaries::train(const std::string& now) {
  const std::size_t documents = m_trainer->documents();
  std::string content = m_trainer->train();
  m_trainer.reset();
  const std::uint32_t id = content.empty() ? 0 : VersionCodec::id_of_dictionary(content);
  if (id == 0) {
    m_training_failed = true;
    return false;
  }
  m_codec.compress_with(id, content);
  m_trained = Trained{id, std::move(content), now, documents};
  return true;
}

void Dictionaries::write() {
  auto insert =
      statement(m_db, "INSERT OR IGNORE INTO dictionaries(id, trained_at, documents, content) VALUES (?, ?, ?, ?)");
  insert->bind(1, static_cast<std::int64_t>(m_trained->id));
  insert->bind(2, m_trained->trained_at);
  insert->bind(3, static_cast<std::int64_t>(m_trained->documents));
  insert->bind(4, m_trained->content.data(), static_cast<int>(m_trained->content.size()));
  // Already there when a transaction that wrote it committed: from now on it need not be written again.
  if (insert->exec() == 0) m_trained.reset();
  m_written_in_transaction = true;
}

}  // namespace trialwatch::store::detail
