// SPDX-License-Identifier: MIT
// trialwatch: the command line client. This build offers --help and --version only; commands land with issue #5.

#include "core/exit_code.hpp"
#include "core/version.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  using trialwatch::core::ExitCode;
  using trialwatch::core::to_int;
  CLI::App app{"trialwatch - query the local history of ClinicalTrials.gov records kept by trialwatchd"};
  app.set_version_flag("--version", std::string("trialwatch ") + trialwatch::core::k_version);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::usage);
  }
  std::fputs("trialwatch: no commands are built yet in this version; see --help.\n", stderr);
  return to_int(ExitCode::unavailable);
}
