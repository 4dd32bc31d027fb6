// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace trialwatch::core {

// A routine failure as a value: what went wrong, in one sentence a person can act on.
struct Error {
  // The kind of failure, so callers can decide (retry, report, give up) without parsing text.
  enum class Code {
    invalid_input,  // a malformed argument or document (do not retry)
    not_found,      // the thing asked for does not exist
    network,        // a transport failure: connect, timeout, reset (retryable)
    http_status,    // the server answered with an unexpected status
    bad_response,   // the server answered with a body we cannot use
    too_large,      // an answer over the client's size cap: ask for less
    unreadable,     // one record arrived whole but cannot be read (a lone surrogate, too deep): skip it, keep the rest
    cancelled,      // the caller asked to stop
    io,             // a local file or database operation failed
  };
  Code code;
  std::string message;
};

// The value of a fallible operation, or the Error that prevented it (C++20 stand-in for std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  // Wrap a successful `value`.
  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  // Wrap a failure `error`.
  Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  // Say whether this holds a value.
  bool has_value() const noexcept { return m_state.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // Return the value; only call when has_value().
  T& value() & { return std::get<0>(m_state); }
  const T& value() const& { return std::get<0>(m_state); }
  T&& value() && { return std::get<0>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Return the error; only call when !has_value().
  const Error& error() const& { return std::get<1>(m_state); }
  Error&& error() && { return std::get<1>(std::move(m_state)); }

 private:
  std::variant<T, Error> m_state;
};

// Success without a value.
struct Ok {};

}  // namespace trialwatch::core

// Declare `name` as the Result of `expression`, and return its error from the enclosing function (which returns a
// Result) when it holds one: `TW_TRY(page, client.list(...));` then use `*page`. (ccache's TRY, with a name.)
#define TW_TRY(name, expression) \
  auto name = (expression);      \
  if (!name) return std::move(name).error()
