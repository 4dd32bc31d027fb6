// SPDX-License-Identifier: MIT
#include "store/detail/event_rows.hpp"

#include "store/detail/connection.hpp"
#include "store/detail/rows.hpp"

namespace trialwatch::store::detail {

std::string source_of(Database& db, const std::string& nct_id) {
  auto query = statement(db, "SELECT source FROM watchlist WHERE nct_id = ?");
  query->bind(1, nct_id);
  return query->executeStep() ? query->getColumn(0).getString() : std::string("cli");
}

int insert_events(Database& db, const std::string& nct_id, const std::string& source,
                  const std::vector<core::ChangeEvent>& events, const std::vector<std::string>& ids,
                  const std::vector<std::vector<std::string>>& channels, const std::string& detected_at,
                  const std::string& data_timestamp, std::optional<int> version,
                  const std::optional<RegistryOrigin>& origin) {
  auto insert = statement(db,
                          "INSERT INTO events(id, nct_id, type, detected_at, data_timestamp, version, "
                          "provenance, path, old, new, summary, source, registry_version, posted_date) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  int stored = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    insert->reset();
    insert->clearBindings();
    insert->bind(1, ids.at(i));
    insert->bind(2, nct_id);
    insert->bind(3, std::string(core::event_type_name(event.type)));
    insert->bind(4, detected_at);
    insert->bind(5, data_timestamp);
    if (version) insert->bind(6, *version);
    insert->bind(7, std::string(core::provenance_name(event.provenance)));
    bind_optional(*insert, 8, event.path);
    bind_optional(*insert, 9, event.old_json);
    bind_optional(*insert, 10, event.new_json);
    insert->bind(11, event.summary);
    insert->bind(12, source);
    if (origin) {
      insert->bind(13, origin->registry_version);
      insert->bind(14, origin->posted_date);
    }
    const int inserted = insert->exec();
    stored += inserted;
    if (inserted == 0 || i >= channels.size()) continue;
    auto outbox = statement(db,
                            "INSERT INTO deliveries(event_id, channel, state, attempts, next_attempt_at, "
                            "created_at) VALUES (?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING");
    for (const auto& channel : channels[i]) {
      outbox->reset();
      outbox->bind(1, ids.at(i));
      outbox->bind(2, channel);
      outbox->bind(3, detected_at);
      outbox->bind(4, detected_at);
      outbox->exec();
    }
  }
  return stored;
}

}  // namespace trialwatch::store::detail
