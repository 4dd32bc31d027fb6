// SPDX-License-Identifier: MIT
#include "daemon/signals.hpp"

#include <csignal>
#include <ctime>
#include <pthread.h>

namespace trialwatch::daemon {

namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher() {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  m_thread = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  m_quit = true;
  m_thread.join();
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void SignalWatcher::watch() {
  const sigset_t set = watched_signals();
  const timespec slice{0, 100'000'000};  // how often the thread looks at m_quit
  while (!m_quit) {
    const int signal = sigtimedwait(&set, nullptr, &slice);
    if (signal < 0) continue;  // timeout or EINTR
    {
      const std::lock_guard lock(m_mutex);
      if (signal == SIGHUP)
        m_reload = true;
      else
        m_stop = true;
    }
    m_arrived.notify_all();
  }
}

void SignalWatcher::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(m_mutex);
  m_arrived.wait_until(lock, deadline, [this] { return m_stop.load() || m_reload.load(); });
}

}  // namespace trialwatch::daemon
