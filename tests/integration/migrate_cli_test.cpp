// SPDX-License-Identifier: MIT
// `trialwatch migrate --to DB`: the history trialwatchd wrote to SQLite, past versions included, moved to PostgreSQL
// by the real binary, and read back the same.

#include "tests/integration/backfill_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using trialwatch::testing::Backfilling;
using trialwatch::testing::ProcessResult;
using trialwatch::testing::TestDatabase;
using trialwatch::testing::TestEngine;

namespace {

// Run trialwatch with `args` on the database `db`, at a fixed time and without colour.
ProcessResult cli_on(const std::string& db, const std::vector<std::string>& args) {
  return trialwatch::testing::run_cli(db, args, {{"TRIALWATCH_NOW", "2030-01-01T00:00:00Z"}, {"NO_COLOR", "1"}});
}

}  // namespace

TEST_CASE("migrate copies a SQLite history to PostgreSQL, where every command reads what it read before",
          "[integration][cli][migration]") {
  Backfilling b("full");
  REQUIRE(b.f.run_once().exit_code == 0);
  for (int day = 0; day < 4; ++day) {
    REQUIRE(b.f.registry.registry.advance_day());
    REQUIRE(b.f.run_once().exit_code == 0);
  }
  const TestDatabase postgres(TestEngine::postgres);

  const auto migrated = cli_on(b.f.db_path(), {"migrate", "--to", postgres.location()});
  INFO(migrated.output);
  REQUIRE(migrated.exit_code == 0);
  CHECK_THAT(migrated.output, Catch::Contains("past_versions") && Catch::Contains("verified"));

  for (const std::vector<std::string>& command : {std::vector<std::string>{"list", "--json"},
                                                  {"events", "--json"},
                                                  {"history", "NCT04280705", "--json"},
                                                  {"show", "NCT04280705", "--version", "r0", "--raw"},
                                                  {"due", "--json"}}) {
    const auto before = cli_on(b.f.db_path(), command);
    const auto after = cli_on(postgres.location(), command);
    INFO(command[0] << ": " << after.output);
    REQUIRE(before.exit_code == 0);
    CHECK(after.exit_code == 0);
    CHECK(after.output == before.output);
  }

  const auto again = cli_on(b.f.db_path(), {"migrate", "--to", postgres.location()});
  CHECK(again.exit_code == 65);
  CHECK_THAT(again.output, Catch::Contains("already holds a trialwatch history"));
  CHECK(std::count(again.output.begin(), again.output.end(), '\n') == 1);

  const auto itself = cli_on(b.f.db_path(), {"migrate", "--to", b.f.db_path()});
  CHECK(itself.exit_code == 64);
  CHECK_THAT(itself.output, Catch::Contains("names the database being migrated"));
}
