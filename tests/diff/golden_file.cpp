// SPDX-License-Identifier: MIT
#include "tests/diff/golden_file.hpp"

#include "core/json_text.hpp"
#include "diff/json_diff.hpp"
#include "diff/study_facts.hpp"
#include "tests/support/test_data.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace trialwatch::testing {

DiffOutcome run_diff(const std::string& before, const std::string& after) {
  diff::StudyDiffer differ;
  auto changes = differ.diff(before, after);
  REQUIRE(changes.has_value());
  auto old_facts = diff::read_study_facts(before);
  auto new_facts = diff::read_study_facts(after);
  REQUIRE(old_facts.has_value());
  REQUIRE(new_facts.has_value());
  return DiffOutcome{*changes, diff::classify(*changes, *old_facts, *new_facts)};
}

std::vector<core::EventType> types_of(const DiffOutcome& outcome) {
  std::vector<core::EventType> types;
  for (const auto& e : outcome.classification.events) types.push_back(e.type);
  return types;
}

const core::ChangeEvent& event_of(const DiffOutcome& outcome, core::EventType type) {
  for (const auto& e : outcome.classification.events)
    if (e.type == type) return e;
  FAIL("no event of type " << core::event_type_name(type));
  throw std::logic_error("unreachable");
}

std::string render_outcome(const DiffOutcome& outcome) {
  using core::json_quote;
  auto value = [](const std::string& json) { return json.empty() ? std::string("null") : json; };
  std::string out = "{\n  \"provenance\": " + json_quote(core::provenance_name(outcome.classification.provenance)) +
                    ",\n  \"events\": [";
  for (std::size_t i = 0; i < outcome.classification.events.size(); ++i) {
    const core::ChangeEvent& e = outcome.classification.events[i];
    out += (i ? ",\n    " : "\n    ");
    out += "{\"type\": " + json_quote(core::event_type_name(e.type)) + ", \"path\": " + json_quote(e.path) +
           ", \"old\": " + value(e.old_json) + ", \"new\": " + value(e.new_json) +
           ", \"summary\": " + json_quote(e.summary) + "}";
  }
  out += outcome.classification.events.empty() ? "],\n  \"field_changes\": [" : "\n  ],\n  \"field_changes\": [";
  for (std::size_t i = 0; i < outcome.changes.size(); ++i) {
    const core::FieldChange& c = outcome.changes[i];
    out += (i ? ",\n    " : "\n    ");
    out += "{\"op\": " + json_quote(core::field_op_name(c.op)) + ", \"path\": " + json_quote(c.path) +
           ", \"old\": " + value(c.old_json) + ", \"new\": " + value(c.new_json) + "}";
  }
  out += outcome.changes.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

void check_golden(const std::string& name, const DiffOutcome& outcome) {
  const auto path = test_data_dir() / "golden" / (name + ".json");
  const std::string actual = render_outcome(outcome);
  if (std::getenv("TRIALWATCH_TEST_ACCEPT") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("rewrote " << path.string());
    return;
  }
  INFO("golden file " << path.string() << " (TRIALWATCH_TEST_ACCEPT=1 rewrites it)");
  CHECK(actual == read_file(path));
}

}  // namespace trialwatch::testing
