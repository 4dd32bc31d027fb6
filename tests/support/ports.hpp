// SPDX-License-Identifier: MIT
#pragma once

namespace trialwatch::testing {

// Return a loopback TCP port that nothing listens on right now (bound once by the kernel's choice, then released).
int free_port();

// Say whether something accepts TCP connections on 127.0.0.1:`port`.
bool accepting(int port);

}  // namespace trialwatch::testing
