// SPDX-License-Identifier: MIT
#include "core/log.hpp"

#include "core/safe_text.hpp"

#include <cstdio>

namespace trialwatch::core {

void Logger::write(LogLevel level, std::string_view message) const {
  std::string line;
  if (m_format == Format::journal_prefixed) line = fmt::format("<{}>", static_cast<int>(level));
  line.append(for_log_line(message));  // messages quote registry text: one line, no control character
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warning") return LogLevel::warning;
  if (text == "error") return LogLevel::error;
  return std::nullopt;
}

}  // namespace trialwatch::core
