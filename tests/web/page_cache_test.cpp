// SPDX-License-Identifier: MIT
#include "web/page_cache.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace trialwatch;
using web::DatabaseStamp;
using web::PageCache;
using web::Response;

namespace {

Response page(std::string body, int status = 200) { return Response{status, "text/html", std::move(body), {}}; }

}  // namespace

TEST_CASE("a kept page is found under its key and stamp only", "[web][cache]") {
  PageCache cache;
  const DatabaseStamp stamp{10, 20, 0, -1};
  cache.keep("/study/NCT06613490", stamp, page("story"));
  REQUIRE(cache.find("/study/NCT06613490", stamp));
  CHECK(cache.find("/study/NCT06613490", stamp)->body == "story");
  CHECK_FALSE(cache.find("/study/NCT04280705", stamp));
  CHECK_FALSE(cache.find("/study/NCT06613490", DatabaseStamp{10, 20, 4096, 30}));  // a commit since
  cache.keep("/study/NCT06613490", DatabaseStamp{10, 20, 4096, 30}, page("later"));
  CHECK_FALSE(cache.find("/study/NCT06613490", stamp));  // one page per key
  CHECK(cache.find("/study/NCT06613490", DatabaseStamp{10, 20, 4096, 30})->body == "later");
}

TEST_CASE("only whole pages are kept, the oldest making way", "[web][cache]") {
  PageCache cache;
  const DatabaseStamp stamp{1, 2, 3, 4};
  cache.keep("/missing", stamp, page("not found", 404));
  CHECK_FALSE(cache.find("/missing", stamp));
  cache.keep("/huge", stamp, page(std::string(PageCache::k_largest + 1, 'x')));
  CHECK_FALSE(cache.find("/huge", stamp));
  for (std::size_t i = 0; i <= PageCache::k_entries; ++i) cache.keep("/p" + std::to_string(i), stamp, page("p"));
  CHECK_FALSE(cache.find("/p0", stamp));
  CHECK(cache.find("/p1", stamp));
  CHECK(cache.find("/p" + std::to_string(PageCache::k_entries), stamp));
}

TEST_CASE("a database's stamp changes with a write and is settled a second after it", "[web][cache]") {
  testing::TempDir dir;
  const auto path = dir.path() / "t.db";
  std::ofstream(path) << "x";
  const auto first = DatabaseStamp::of(path);
  CHECK(first.db_size == 1);
  CHECK(first.wal_size == -1);
  std::ofstream(path.string() + "-wal");  // an empty WAL, as a reader creates it: no commit in it
  CHECK(DatabaseStamp::of(path) == DatabaseStamp{first.db_size, first.db_mtime, 0, -1});
  std::ofstream(path.string() + "-wal") << "commit";
  const auto written = DatabaseStamp::of(path);
  CHECK_FALSE(written == DatabaseStamp{first.db_size, first.db_mtime, 0, -1});
  const auto at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(written.wal_mtime)));
  CHECK_FALSE(written.settled(at + std::chrono::milliseconds(500)));
  CHECK(written.settled(at + std::chrono::seconds(1)));
}
