// SPDX-License-Identifier: MIT
// The per-study step of the sync on recorded documents, against a real store in a temporary directory.
#include "daemon/study_step.hpp"

#include "diff/event_id.hpp"
#include "store/database.hpp"
#include "store/versions.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <string>
#include <string_view>

using namespace trialwatch;
using core::Error;
using core::EventType;

namespace {

const core::NctId k_id = *core::NctId::parse("NCT07157670");

// Return `text` with its one occurrence of `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

// A store in a temporary directory and the recorded document of NCT07157670 (minified, NOT_YET_RECRUITING).
struct StepFixture {
  testing::TempDir dir;
  store::Database db = store::Database::open(dir.path() / "trialwatch.db", store::OpenMode::read_write);
  store::Versions versions{db};
  testing::ManualClock clock;
  const std::string document = testing::read_test_file("ctgov/studies/NCT07157670.json");
  const daemon::StepContext context{"2026-08-19T09:00:06", clock.now(), "config"};

  // Store `json` as a version of its study through `step`, as the cycle does, and return what the store then holds.
  store::StoredStudy store(daemon::StudyStep& step, std::string json) {
    auto study = step.read(std::move(json));
    REQUIRE(study);
    const auto stored = versions.study(study->id);
    auto version = step.new_version(std::move(*study), stored ? &*stored : nullptr, versions, context);
    REQUIRE(version);
    REQUIRE(*version);
    REQUIRE(versions.record_version(**version));
    return *versions.study(k_id);
  }
};

}  // namespace

TEST_CASE("a study's first version carries the tracking event with its id and channels", "[daemon][step]") {
  StepFixture f;
  daemon::StudyStep step([](EventType type, const std::string& nct_id, const std::string& source) {
    return std::vector<std::string>{fmt::format("{}:{}:{}", core::event_type_name(type), nct_id, source)};
  });
  auto study = step.read(f.document);
  REQUIRE(study);
  CHECK(study->id == k_id);
  CHECK(study->facts.overall_status == "NOT_YET_RECRUITING");
  CHECK(study->hash.size() == 32);

  const auto version = step.new_version(std::move(*study), nullptr, f.versions, f.context);
  REQUIRE(version);
  REQUIRE(*version);
  const store::NewVersion& first = **version;
  CHECK(first.raw_json == f.document);
  CHECK(first.summary.overall_status == "NOT_YET_RECRUITING");
  CHECK(first.data_timestamp == "2026-08-19T09:00:06");
  CHECK(first.changes.empty());
  REQUIRE(first.events.size() == 1);
  CHECK(first.events.front().type == EventType::study_tracked);
  CHECK(first.event_ids ==
        std::vector<std::string>{diff::event_id(k_id.str(), "", first.hash, EventType::study_tracked, "")});
  CHECK(first.channels == std::vector<std::vector<std::string>>{
                              {std::string(core::event_type_name(EventType::study_tracked)) + ":NCT07157670:config"}});
}

TEST_CASE("a document whose hash or fields are unchanged makes no version", "[daemon][step]") {
  StepFixture f;
  daemon::StudyStep step;
  const auto stored = f.store(step, f.document);

  SECTION("the same bytes") {
    auto study = step.read(f.document);
    REQUIRE(study);
    CHECK(study->hash == stored.hash);
    const auto version = step.new_version(std::move(*study), &stored, f.versions, f.context);
    REQUIRE(version);
    CHECK_FALSE(*version);
  }
  SECTION("a character spelled as an escape: the hash differs, the diff finds nothing") {
    auto study = step.read(replaced(f.document, "\"INSERM UMR-S 942 MASCOT\"", "\"INSERM UMR-S 942 MASCO\\u0054\""));
    REQUIRE(study);
    CHECK(study->hash != stored.hash);
    const auto version = step.new_version(std::move(*study), &stored, f.versions, f.context);
    REQUIRE(version);
    CHECK_FALSE(*version);
  }
}

TEST_CASE("a changed document yields its field changes and events against the stored latest version",
          "[daemon][step]") {
  StepFixture f;
  daemon::StudyStep step;
  const auto stored = f.store(step, f.document);

  auto study =
      step.read(replaced(f.document, R"("overallStatus":"NOT_YET_RECRUITING")", R"("overallStatus":"RECRUITING")"));
  REQUIRE(study);
  const auto version = step.new_version(std::move(*study), &stored, f.versions, f.context);
  REQUIRE(version);
  REQUIRE(*version);
  const store::NewVersion& next = **version;
  REQUIRE(next.changes.size() == 1);
  CHECK(next.changes.front().path == "protocolSection.statusModule.overallStatus");
  // lastUpdatePostDate did not move: registry reprocessing, reported as one study_reprocessed.
  REQUIRE(next.events.size() == 1);
  CHECK(next.events.front().type == EventType::study_reprocessed);
  CHECK(next.event_ids.front() ==
        diff::event_id(k_id.str(), stored.hash, next.hash, EventType::study_reprocessed, next.events.front().path));
  CHECK(next.channels == std::vector<std::vector<std::string>>{{}});  // no router: no channel
  REQUIRE(next.previous);  // the delta is built against the bytes just compared
  CHECK(next.previous->version == 1);
  CHECK(next.previous->raw_json == f.document);
}

TEST_CASE("a document that cannot be read is unreadable, and one without a valid NCT ID a bad response",
          "[daemon][step]") {
  daemon::StudyStep step;
  const auto truncated = step.read(R"({"protocolSection":{"identificationModule":{"nctId":"NCT07157670")");
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().code == Error::Code::unreadable);

  const auto nameless = step.read(R"({"protocolSection":{"identificationModule":{"nctId":"NCT0"}}})");
  REQUIRE_FALSE(nameless);
  CHECK(nameless.error().code == Error::Code::bad_response);
}
