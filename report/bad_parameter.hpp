// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>

namespace trialwatch::report {

// A parameter that says nothing valid (a bad --since, an unknown event type, a malformed NCT ID, a version that does
// not exist): the CLI's usage error (exit 64), the web's 400 page. The message is one sentence.
class BadParameter : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace trialwatch::report
