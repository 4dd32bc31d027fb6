// SPDX-License-Identifier: MIT
#include "core/exit_code.hpp"

namespace trialwatch::core {

const char* exit_code_name(ExitCode code) noexcept {
  switch (code) {
    case ExitCode::ok:
      return "ok";
    case ExitCode::failure:
      return "failure";
    case ExitCode::usage:
      return "usage";
    case ExitCode::data_error:
      return "data error";
    case ExitCode::no_input:
      return "no input";
    case ExitCode::unavailable:
      return "unavailable";
    case ExitCode::io_error:
      return "I/O error";
    case ExitCode::temp_failure:
      return "temporary failure";
    case ExitCode::config:
      return "configuration error";
  }
  return "unknown";
}

}  // namespace trialwatch::core
