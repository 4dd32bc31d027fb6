// SPDX-License-Identifier: MIT
// Internal to store/: which zstd dictionary standalone versions are compressed with, and where it is kept.
#pragma once

#include "store/database.hpp"
#include "store/detail/dictionary_trainer.hpp"
#include "store/detail/version_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trialwatch::store::detail {

// Gives `codec` the dictionaries of the `dictionaries` table. Standalone frames are compressed with the newest one;
// when the database has none, one is trained from the standalone documents it already holds and the next ones this
// process stores, once there are DictionaryTrainer::k_sample_bytes of them (a store of a handful of trials never
// gets one: it does not need it). Not thread-safe; `db` and `codec` outlive it.
class Dictionaries {
 public:
  // Keep `codec`'s dictionaries in `db`; nothing is read until a frame needs it.
  Dictionaries(Database& db, VersionCodec& codec) : m_db(db), m_codec(codec) {}

  // A write transaction begins: a dictionary written by an earlier one that rolled back must be written again
  // before a frame in this one names it.
  void transaction_started() { m_written_in_transaction = false; }
  // Inside the caller's transaction, before `document` is compressed as a standalone frame at `now` (UTC RFC
  // 3339): make the codec compress with the dictionary (loading or training it first) and write it in this
  // transaction if it is not known to be committed, so no frame ever names a dictionary the database lacks.
  void before_standalone(std::string_view document, const std::string& now);
  // Before `frame` is decoded: give the codec the dictionary it names, from the database. Throw StoreError (corrupt)
  // with a sentence naming `what` when the database does not hold it.
  void before_decode(std::string_view frame, std::string_view what);

 private:
  // Load the newest dictionary of the database into the codec; false if there is none.
  bool load_newest();
  // Start the samples with the standalone documents the database holds (a database older than dictionaries, or
  // one that grows a little each run, gets one too), up to DictionaryTrainer::k_sample_bytes.
  void seed_from_stored();
  // Train one from the samples, give it to the codec and keep it to be written; false if zstd could not.
  bool train(const std::string& now);
  // Write the dictionary in the current transaction unless it is there already.
  void write();

  Database& m_db;
  VersionCodec& m_codec;
  bool m_looked_up = false;               // whether the database was asked for its newest dictionary
  bool m_written_in_transaction = false;  // whether the current transaction wrote m_trained
  bool m_training_failed = false;         // whether zstd could not train one (it is not asked again)
  std::optional<DictionaryTrainer> m_trainer;
  struct Trained {
    std::uint32_t id = 0;
    std::string content;
    std::string trained_at;
    std::size_t documents = 0;
  };
  // Trained by this process, until it is known to be committed (then, as for one loaded from the database, there
  // is nothing left to write).
  std::optional<Trained> m_trained;
};

}  // namespace trialwatch::store::detail
