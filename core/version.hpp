// SPDX-License-Identifier: MIT
#pragma once

namespace trialwatch::core {

// The release version of both programs, e.g. "0.1.0".
inline constexpr const char* k_version = TRIALWATCH_VERSION;

// The User-Agent every request to the registry carries.
inline constexpr const char* k_user_agent =
    "trialwatch/" TRIALWATCH_VERSION " (+https://github.com/trialwatch/trialwatch)";

}  // namespace trialwatch::core
