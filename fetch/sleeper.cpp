// SPDX-License-Identifier: MIT
#include "fetch/sleeper.hpp"

#include <algorithm>
#include <thread>

namespace trialwatch::fetch {

bool CancellableSleeper::sleep_for(std::chrono::nanoseconds duration) {
  constexpr std::chrono::nanoseconds k_slice = std::chrono::milliseconds(50);
  const auto until = std::chrono::steady_clock::now() + duration;
  while (true) {
    if (m_cancel != nullptr && m_cancel->load()) return false;
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(left, k_slice));
    if (m_on_slice) m_on_slice();
  }
}

}  // namespace trialwatch::fetch
