// SPDX-License-Identifier: MIT
#pragma once

namespace trialwatch::core {

// The documented process exit codes of both programs (sysexits.h values, docs/events.md).
enum class ExitCode : int {
  ok = 0,
  failure = 1,
  usage = 64,         // bad flag, malformed NCT ID
  data_error = 65,    // bad data: not a trialwatch database, corrupt, newer schema
  no_input = 66,      // database missing
  unavailable = 69,   // service unavailable
  io_error = 74,      // I/O error
  temp_failure = 75,  // temporary failure: registry unreachable, cycle incomplete
  config = 78,        // configuration error
};

// Return `code` as the int a process exits with.
constexpr int to_int(ExitCode code) noexcept { return static_cast<int>(code); }

// Return the short name of `code` ("usage", "config"...) for logs.
const char* exit_code_name(ExitCode code) noexcept;

}  // namespace trialwatch::core
