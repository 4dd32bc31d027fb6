// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <utility>

namespace trialwatch::fetch {

// Waits between requests (rate limit, retry backoff). An interface so tests can record waits instead of waiting.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Wait for `duration`; return false if the wait was cut short because the program is stopping.
  virtual bool sleep_for(std::chrono::nanoseconds duration) = 0;
};

// Really waits, in slices of 50 ms, giving up early when `cancel` becomes true.
class CancellableSleeper final : public Sleeper {
 public:
  // Wait on the real clock; `cancel` (may be null) must outlive the sleeper; `on_slice` (may be empty) runs
  // after every slice, e.g. to keep a watchdog fed through a long Retry-After.
  explicit CancellableSleeper(const std::atomic<bool>* cancel = nullptr, std::function<void()> on_slice = {})
      : m_cancel(cancel), m_on_slice(std::move(on_slice)) {}
  bool sleep_for(std::chrono::nanoseconds duration) override;

 private:
  const std::atomic<bool>* m_cancel;
  std::function<void()> m_on_slice;
};

}  // namespace trialwatch::fetch
