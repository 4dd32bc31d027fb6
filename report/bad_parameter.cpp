// SPDX-License-Identifier: MIT
#include "report/bad_parameter.hpp"

#include "core/safe_text.hpp"

namespace trialwatch::report {

core::NctId parse_id(std::string_view text) {
  auto id = core::NctId::parse(text);
  if (!id) throw BadParameter(core::for_terminal(id.error().message));  // it quotes what was typed
  return *id;
}

}  // namespace trialwatch::report
