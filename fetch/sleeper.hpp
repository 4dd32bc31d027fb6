// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>

namespace trialwatch::fetch {

// Waits between requests (rate limit, retry backoff). An interface so tests can record waits instead of waiting.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Wait for `duration`; return false if the wait was cut short because the program is stopping.
  virtual bool sleep_for(std::chrono::nanoseconds duration) = 0;
};

// Really waits, in slices, giving up early when `cancel` becomes true.
class CancellableSleeper final : public Sleeper {
 public:
  // Wait on the real clock; `cancel` (may be null) must outlive the sleeper.
  explicit CancellableSleeper(const std::atomic<bool>* cancel = nullptr) : m_cancel(cancel) {}
  bool sleep_for(std::chrono::nanoseconds duration) override;

 private:
  const std::atomic<bool>* m_cancel;
};

}  // namespace trialwatch::fetch
