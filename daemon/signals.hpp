// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace trialwatch::daemon {

// Receives SIGTERM, SIGINT and SIGHUP on a thread of its own (sigtimedwait on the blocked signals; no work in a
// handler) and turns them into flags the main loop reads. The stop flag is what curl's progress callback and the
// sleeper watch, so a stop request aborts a transfer or a backoff within a second.
class SignalWatcher {
 public:
  // Block the three signals in the calling thread, which must be the main thread before any other thread starts
  // (threads inherit the mask), and start watching.
  SignalWatcher();
  // Stop watching and unblock the signals.
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // The flag set by SIGTERM or SIGINT.
  const std::atomic<bool>& stop_flag() const noexcept { return m_stop; }
  // Say whether SIGTERM or SIGINT arrived.
  bool stop_requested() const noexcept { return m_stop.load(); }
  // Say whether SIGHUP arrived since the last call, and forget it.
  bool take_reload() noexcept { return m_reload.exchange(false); }
  // Wait until `deadline`, or less if a signal arrives first.
  void wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  void watch();

  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_reload{false};
  std::atomic<bool> m_quit{false};
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::thread m_thread;  // last: started once everything it uses exists
};

}  // namespace trialwatch::daemon
