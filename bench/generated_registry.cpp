// SPDX-License-Identifier: MIT
#include "bench/generated_registry.hpp"

#include "bench/corpus.hpp"
#include "core/partial_date.hpp"
#include "diff/study_facts.hpp"
#include "tests/fakeregistry/edits.hpp"
#include "tests/fakeregistry/registry.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace trialwatch::bench {

namespace fr = fakeregistry;

namespace {

constexpr std::string_view k_holder_key = "\"versionHolder\":\"";
constexpr std::size_t k_id_length = 11;    // NCT + 8 digits
constexpr std::size_t k_date_length = 10;  // yyyy-MM-dd

std::vector<std::size_t> positions_of(const std::string& text, std::string_view what) {
  std::vector<std::size_t> at;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) at.push_back(p);
  return at;
}

std::string date_after(const std::string& date, int days) {
  const auto parsed = core::PartialDate::parse(date);
  const auto moved = parsed ? parsed->plus_days(days) : std::nullopt;
  return moved ? moved->str() : date;
}

bool is_weekend(const std::string& date) {
  const auto parsed = core::PartialDate::parse(date);
  const auto day = parsed ? parsed->weekday() : std::nullopt;
  return day && (*day == 0 || *day == 6);
}

}  // namespace

// A recorded document, minified, with where its NCT ID and versionHolder sit (same length in every copy).
struct GeneratedRegistry::Template {
  std::string text;
  std::vector<std::size_t> id_at;
  std::vector<std::size_t> holder_at;
  diff::StudyFacts facts;
};

// One generated study: a template and an ID until a day edits it, then its own text and facts.
struct GeneratedRegistry::Study {
  std::uint32_t template_index = 0;
  std::string id;
  std::unique_ptr<std::string> edited;
  std::unique_ptr<diff::StudyFacts> facts;
};

GeneratedRegistry::GeneratedRegistry(const std::filesystem::path& data_dir, std::size_t n, std::uint64_t seed,
                                     ChangeModel model)
    : m_model(model), m_random(seed), m_date("2026-09-01"), m_data_timestamp("2026-09-01T09:00:05") {
  const fr::RegistryData recorded = fr::load_documents(data_dir);
  std::vector<std::size_t> sizes;
  for (const auto& [id, study] : recorded.studies()) {
    fr::Json copy = study;
    if (auto* identification = copy.at_path("protocolSection.identificationModule"))
      identification->erase("nctIdAliases");  // copies must not claim each other's aliases
    fr::edits::set_version_holder(copy, m_date);
    Template t;
    t.text = copy.dump();
    t.id_at = positions_of(t.text, id);
    const auto holder = t.text.find(k_holder_key);
    if (holder != std::string::npos) t.holder_at.push_back(holder + k_holder_key.size());
    auto facts = diff::read_study_facts(t.text);
    if (!facts) throw std::runtime_error("a recorded study cannot be read: " + facts.error().message);
    t.facts = *facts;
    sizes.push_back(t.text.size());
    m_templates.push_back(std::move(t));
    if (const auto* results = study.find("resultsSection"); results != nullptr && m_results_donor.empty())
      m_results_donor = results->dump();
  }
  const auto copies = copies_for(sizes, n, Mix::registry_sized);
  std::vector<std::uint32_t> order;
  for (std::size_t t = 0; t < copies.size(); ++t)
    for (std::size_t c = 0; c < copies[t]; ++c) order.push_back(static_cast<std::uint32_t>(t));
  std::shuffle(order.begin(), order.end(), m_random);  // so that any first k studies have the same mix
  m_studies.reserve(order.size());
  for (const auto t : order) {
    Study study;
    study.template_index = t;
    study.id = fmt::format("NCT{:08}", 20000000 + m_studies.size());
    m_index.emplace(study.id, m_studies.size());
    m_studies.push_back(std::move(study));
  }
}

GeneratedRegistry::~GeneratedRegistry() = default;

std::vector<std::string> GeneratedRegistry::ids(std::size_t n) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n && i < m_studies.size(); ++i) out.push_back(m_studies[i].id);
  return out;
}

double GeneratedRegistry::mean_bytes() const {
  double total = 0;
  for (const auto& study : m_studies)
    total += static_cast<double>(study.edited ? study.edited->size() : m_templates[study.template_index].text.size());
  return m_studies.empty() ? 0 : total / static_cast<double>(m_studies.size());
}

std::string GeneratedRegistry::current_text(const Study& study) const {
  if (study.edited) {
    std::string text = *study.edited;
    if (const auto at = text.find(k_holder_key); at != std::string::npos)
      text.replace(at + k_holder_key.size(), k_date_length, m_date);
    return text;
  }
  const auto& t = m_templates[study.template_index];
  std::string text = t.text;
  for (const auto at : t.id_at) text.replace(at, k_id_length, study.id);
  for (const auto at : t.holder_at) text.replace(at, k_date_length, m_date);
  return text;
}

std::optional<std::string> GeneratedRegistry::document(const std::string& id) const {
  const auto it = m_index.find(id);
  if (it == m_index.end()) return std::nullopt;
  return current_text(m_studies[it->second]);
}

std::optional<std::string> GeneratedRegistry::watermark(const std::string& id) const {
  const auto it = m_index.find(id);
  if (it == m_index.end()) return std::nullopt;
  const Study& study = m_studies[it->second];
  const diff::StudyFacts& f = study.facts ? *study.facts : m_templates[study.template_index].facts;
  std::string status = fmt::format(R"("overallStatus":"{}")", f.overall_status);
  if (!f.last_update_post_date.empty())
    status += fmt::format(R"(,"lastUpdatePostDateStruct":{{"date":"{}"}})", f.last_update_post_date);
  if (!f.results_first_submit_date.empty())
    status += fmt::format(R"(,"resultsFirstSubmitDate":"{}")", f.results_first_submit_date);
  if (!f.results_first_post_date.empty())
    status += fmt::format(R"(,"resultsFirstPostDateStruct":{{"date":"{}"}})", f.results_first_post_date);
  std::string out = fmt::format(
      R"({{"protocolSection":{{"identificationModule":{{"nctId":"{}"}},"statusModule":{{{}}}}})", study.id, status);
  if (!f.reset_dates.empty()) {
    std::string events;
    for (const auto& date : f.reset_dates)
      events += fmt::format(R"({}{{"type":"RESET","date":"{}"}})", events.empty() ? "" : ",", date);
    out += fmt::format(
        R"(,"annotationSection":{{"annotationModule":{{"unpostedAnnotation":{{"unpostedEvents":[{}]}}}}}})", events);
  }
  if (f.has_results) out += fmt::format(R"(,"hasResults":{})", *f.has_results ? "true" : "false");
  return out + "}";
}

void GeneratedRegistry::edit_sponsor(Study& study) {
  fr::Json doc = fr::Json::parse(current_text(study));
  const auto facts = study.facts ? *study.facts : m_templates[study.template_index].facts;
  const int kind = static_cast<int>(m_random() % 100);
  if (kind < 35) {
    fr::edits::set_overall_status(doc, facts.overall_status == "RECRUITING" ? "ACTIVE_NOT_RECRUITING" : "RECRUITING");
  } else if (kind < 60) {
    fr::edits::set_date(doc, fr::edits::DateField::primary_completion,
                        date_after(m_date, 30 + static_cast<int>(m_random() % 700)), "ESTIMATED");
  } else if (kind < 75) {
    fr::edits::set_enrollment(doc, 20 + static_cast<long long>(m_random() % 900), "ESTIMATED");
  } else if (kind < 90) {
    fr::edits::add_location(doc, fmt::format("Bench Site {}", m_random() % 100000), "Lyon", "France");
  } else if (facts.results_first_submit_date.empty()) {
    fr::edits::submit_results(doc, m_date);
  } else if (facts.results_first_post_date.empty()) {
    fr::edits::post_results(doc, m_date, fr::Json::parse(m_results_donor));
  } else {
    fr::edits::set_overall_status(doc, "COMPLETED");
  }
  fr::edits::bump_last_update(doc, m_date);
  study.edited = std::make_unique<std::string>(doc.dump());
  study.facts = std::make_unique<diff::StudyFacts>(*diff::read_study_facts(*study.edited));
}

void GeneratedRegistry::edit_reprocess(Study& study) {
  fr::Json doc = fr::Json::parse(current_text(study));
  if (!fr::edits::reprocess(doc)) return;
  study.edited = std::make_unique<std::string>(doc.dump());
  study.facts = std::make_unique<diff::StudyFacts>(*diff::read_study_facts(*study.edited));
}

DayChanges GeneratedRegistry::advance_day() {
  do m_date = date_after(m_date, 1);
  while (is_weekend(m_date));
  ++m_day;
  m_data_timestamp = m_date + "T09:00:05";
  DayChanges changes;
  const std::size_t n = m_studies.size();
  std::uniform_int_distribution<std::size_t> any(0, n - 1);
  changes.sponsor_updates = static_cast<std::size_t>(static_cast<double>(n) * m_model.sponsor_updates);
  changes.reprocessed = static_cast<std::size_t>(static_cast<double>(n) * m_model.reprocessed);
  changes.first_posted = static_cast<std::size_t>(static_cast<double>(n) * m_model.first_posted);
  for (std::size_t i = 0; i < changes.sponsor_updates; ++i) edit_sponsor(m_studies[any(m_random)]);
  for (std::size_t i = 0; i < changes.reprocessed; ++i) edit_reprocess(m_studies[any(m_random)]);
  for (std::size_t i = 0; i < changes.first_posted; ++i) {
    Study study;
    study.template_index = static_cast<std::uint32_t>(m_random() % m_templates.size());
    study.id = fmt::format("NCT{:08}", 20000000 + m_studies.size());
    m_index.emplace(study.id, m_studies.size());
    m_studies.push_back(std::move(study));
  }
  return changes;
}

}  // namespace trialwatch::bench
