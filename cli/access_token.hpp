// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace trialwatch::cli {

// Say whether an Authorization header carries `token`: "Bearer TOKEN", or HTTP Basic with TOKEN as the password
// (any user name: a browser asks for both). `token` is compared in constant time; an empty token matches nothing.
bool carries_token(std::string_view authorization, std::string_view token);

}  // namespace trialwatch::cli
