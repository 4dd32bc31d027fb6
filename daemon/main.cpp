// SPDX-License-Identifier: MIT
// trialwatchd: the sync daemon. This build offers --help and --version only; the sync cycle lands with issue #3.

#include <cstdio>

#include <CLI/CLI.hpp>

#include "core/exit_code.hpp"
#include "core/version.hpp"

int main(int argc, char** argv) {
  using trialwatch::core::ExitCode;
  using trialwatch::core::to_int;
  CLI::App app{"trialwatchd - keep a local history of ClinicalTrials.gov records and report what changes"};
  app.set_version_flag("--version", std::string("trialwatchd ") + trialwatch::core::k_version);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::usage);
  }
  std::fputs("trialwatchd: the sync engine is not built yet in this version; see --help.\n", stderr);
  return to_int(ExitCode::unavailable);
}
