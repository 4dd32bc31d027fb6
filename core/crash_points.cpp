// SPDX-License-Identifier: MIT
#include "core/crash_points.hpp"

#include <charconv>
#include <unistd.h>

namespace trialwatch::core {

CrashPoints CrashPoints::from_environment(const Environment& env) {
  CrashPoints points;
#ifdef TRIALWATCH_CRASH_POINTS
  const auto spec = env("TRIALWATCH_CRASHPOINT");
  if (!spec) return points;
  const auto colon = spec->rfind(':');
  if (colon == std::string::npos) return points;
  int at = 0;
  const char* end = spec->data() + spec->size();
  if (std::from_chars(spec->data() + colon + 1, end, at).ptr != end || at < 1) return points;
  points.m_name = spec->substr(0, colon);
  points.m_at = at;
#else
  (void)env;
#endif
  return points;
}

void CrashPoints::pass(std::string_view name) {
  if (m_at == 0 || name != m_name) return;
  if (++m_passes == m_at) ::_exit(137);
}

}  // namespace trialwatch::core
