// SPDX-License-Identifier: MIT
#include "cli/context.hpp"

#include "cli/text.hpp"
#include "core/clock.hpp"
#include "core/paths.hpp"

#include <cstdlib>
#include <sys/ioctl.h>
#include <unistd.h>

namespace trialwatch::cli {

namespace {

bool colour_wanted(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

std::size_t table_width(bool wide) {
  if (wide) return 0;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && std::atoi(columns) > 0)
    return static_cast<std::size_t>(std::atoi(columns));
  if (!isatty(STDOUT_FILENO)) return 0;
  winsize size{};
  return ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
}

}  // namespace

Context::Context(GlobalOptions options) : m_options(std::move(options)) {
  m_database = m_options.db.empty() ? core::default_database_path(core::process_environment)
                                    : std::filesystem::path(m_options.db);
  m_colour = colour_wanted(m_options.color);
  m_width = table_width(m_options.wide);
  m_now = std::chrono::system_clock::now();
  if (const char* now = std::getenv("TRIALWATCH_NOW"); now != nullptr && *now != '\0') {
    const auto parsed = core::parse_utc_time(now);
    if (!parsed) throw UsageError("TRIALWATCH_NOW must be an RFC 3339 UTC time such as 2026-09-08T12:00:00Z");
    m_now = *parsed;
  }
}

store::Database Context::open_for_reading() const {
  return store::Database::open(m_database, store::OpenMode::read_only);
}

store::Database Context::open_for_writing() const {
  std::error_code ignored;
  if (!store::is_postgres_location(m_database.native()) && m_database.has_parent_path())
    std::filesystem::create_directories(m_database.parent_path(), ignored);
  return store::Database::open(m_database, store::OpenMode::read_write);
}

std::filesystem::path Context::config_path() const {
  if (!m_options.config.empty()) return m_options.config;
  return core::default_config_path(core::process_environment, ::geteuid() == 0);
}

std::optional<core::Config> Context::read_config() const {
  const auto path = config_path();
  const auto named = core::process_environment("TRIALWATCH_CONFIG");
  const bool explicit_file = !m_options.config.empty() || (named && !named->empty());
  if (!explicit_file && !std::filesystem::exists(path)) return std::nullopt;
  return core::load_config_file(path);
}

std::string Context::paint(std::string_view text, Colour colour) const {
  if (!m_colour) return std::string(text);
  const char* code = "";
  switch (colour) {
    case Colour::id:
      code = "1";
      break;
    case Colour::label:
      code = "36";
      break;
    case Colour::results:
      code = "1;32";
      break;
    case Colour::dim:
      code = "2";
      break;
    case Colour::added:
      code = "32";
      break;
    case Colour::removed:
      code = "31";
      break;
  }
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace trialwatch::cli
