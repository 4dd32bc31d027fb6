// SPDX-License-Identifier: MIT
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string_view>

namespace trialwatch::core {

// How important a diagnostic is; the numbers are syslog priorities (sd-daemon's <N> prefixes).
enum class LogLevel : int { error = 3, warning = 4, info = 6, debug = 7 };

// Where diagnostics go and which are kept. Owned by main and passed down; no global logger object.
class Logger {
 public:
  // How lines are framed on stderr.
  enum class Format { plain, journal_prefixed };

  // Create a logger that keeps messages at `threshold` or more important, written as `format`.
  explicit Logger(LogLevel threshold = LogLevel::info, Format format = Format::plain) noexcept
      : m_threshold(threshold), m_format(format) {}

  // Say whether a message at `level` would be written (so callers can skip formatting).
  bool enabled(LogLevel level) const noexcept { return static_cast<int>(level) <= static_cast<int>(m_threshold); }

  // Return how lines are framed.
  Format format() const noexcept { return m_format; }

  // Write `message` to stderr as one line at `level`, its control characters escaped (core::for_log_line).
  void write(LogLevel level, std::string_view message) const;

  // Format and write one line at `level`, if enabled.
  template <typename... Args>
  void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
    if (enabled(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
  }

 private:
  LogLevel m_threshold;
  Format m_format;
};

// Parse "debug", "info", "warning" or "error"; return nothing for anything else.
std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;

}  // namespace trialwatch::core
