// SPDX-License-Identifier: MIT
#include "store/store_error.hpp"

namespace trialwatch::store {

core::ExitCode StoreError::exit_code() const noexcept {
  switch (m_kind) {
    case Kind::missing:
      return core::ExitCode::no_input;
    case Kind::not_a_trialwatch_database:
    case Kind::corrupt:
    case Kind::newer_schema:
    case Kind::older_schema:
      return core::ExitCode::data_error;
    case Kind::locked:
    case Kind::io:
      return core::ExitCode::io_error;
    case Kind::unreachable:
      return core::ExitCode::unavailable;
    case Kind::access_denied:
      return core::ExitCode::config;
  }
  return core::ExitCode::failure;
}

const char* store_error_kind_name(StoreError::Kind kind) noexcept {
  switch (kind) {
    case StoreError::Kind::missing:
      return "missing";
    case StoreError::Kind::not_a_trialwatch_database:
      return "not_a_trialwatch_database";
    case StoreError::Kind::corrupt:
      return "corrupt";
    case StoreError::Kind::newer_schema:
      return "newer_schema";
    case StoreError::Kind::older_schema:
      return "older_schema";
    case StoreError::Kind::locked:
      return "locked";
    case StoreError::Kind::io:
      return "io";
    case StoreError::Kind::unreachable:
      return "unreachable";
    case StoreError::Kind::access_denied:
      return "access_denied";
  }
  return "unknown";
}

}  // namespace trialwatch::store
