// SPDX-License-Identifier: MIT
// `trialwatch serve`: the read-only web interface (web::Site) over HTTP, with cpp-httplib.
#pragma once

#include "cli/context.hpp"

#include <string>

namespace trialwatch::cli {

// `serve [--listen ADDR:PORT]`: serve the web interface until SIGTERM or SIGINT (then exit 0). `listen` empty: the
// configuration's [web] listen, else 127.0.0.1:8470. Beyond loopback it needs the access token credential. Return
// the exit code; throw store::StoreError (database), core::ConfigError (configuration, token) or UsageError.
int serve(const Context& context, const std::string& listen);

}  // namespace trialwatch::cli
