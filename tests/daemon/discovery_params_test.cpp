// SPDX-License-Identifier: MIT
// The queries a saved search sends: its own parameters, then a window of LastUpdatePostDate with a day of overlap.
#include "daemon/discovery.hpp"

#include <catch2/catch.hpp>

using trialwatch::core::SearchConfig;
using trialwatch::daemon::search_fingerprint;
using trialwatch::daemon::search_params;
using trialwatch::daemon::windowed_search_params;
using trialwatch::fetch::QueryParams;

TEST_CASE("a saved search maps its keys to the API's query parameters", "[daemon][discovery]") {
  SearchConfig search;
  search.name = "s";
  search.cond = "lupus";
  search.intr = "CAR-T";
  search.term = "refractory";
  search.spons = "Example";
  search.advanced = "AREA[Phase]PHASE1";
  CHECK(search_params(search) == QueryParams{{"query.cond", "lupus"},
                                             {"query.intr", "CAR-T"},
                                             {"query.term", "refractory"},
                                             {"query.spons", "Example"},
                                             {"filter.advanced", "AREA[Phase]PHASE1"}});
}

TEST_CASE("a later run asks only for the window since the day before its last run", "[daemon][discovery]") {
  SearchConfig search;
  search.cond = "lupus";
  CHECK(windowed_search_params(search, "2026-08-20") ==
        QueryParams{{"query.cond", "lupus"}, {"filter.advanced", "AREA[LastUpdatePostDate]RANGE[2026-08-19,MAX]"}});
  CHECK(windowed_search_params(search, "2026-03-01")[1].second == "AREA[LastUpdatePostDate]RANGE[2026-02-28,MAX]");
  CHECK(windowed_search_params(search, "2028-03-01")[1].second == "AREA[LastUpdatePostDate]RANGE[2028-02-29,MAX]");
  CHECK(windowed_search_params(search, "2027-01-01")[1].second == "AREA[LastUpdatePostDate]RANGE[2026-12-31,MAX]");

  search.advanced = "AREA[Phase]PHASE1 OR AREA[Phase]PHASE2";
  CHECK(windowed_search_params(search, "2026-08-20")[1].second ==
        "(AREA[Phase]PHASE1 OR AREA[Phase]PHASE2) AND AREA[LastUpdatePostDate]RANGE[2026-08-19,MAX]");
}

TEST_CASE("a changed search has another fingerprint, a renamed or re-capped one the same", "[daemon][discovery]") {
  SearchConfig a;
  a.name = "a";
  a.cond = "lupus";
  SearchConfig b = a;
  b.name = "b";
  b.max_matches = 5;
  CHECK(search_fingerprint(a) == search_fingerprint(b));
  b.intr = "CAR-T";
  CHECK(search_fingerprint(a) != search_fingerprint(b));
}
