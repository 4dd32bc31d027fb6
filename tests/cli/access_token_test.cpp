// SPDX-License-Identifier: MIT
#include "cli/access_token.hpp"

#include "core/strings.hpp"

#include <catch2/catch.hpp>

using trialwatch::cli::carries_token;
using trialwatch::core::base64;

TEST_CASE("an Authorization header carries the token as Bearer or as the Basic password of any user", "[cli][serve]") {
  const std::string token = "s3cret:with-colon";
  CHECK(carries_token("Bearer " + token, token));
  CHECK(carries_token("bearer  " + token + " ", token));
  CHECK(carries_token("Basic " + base64("anyone:" + token), token));
  CHECK(carries_token("BASIC " + base64(":" + token), token));
  std::string unpadded = base64("u:" + token);
  while (unpadded.back() == '=') unpadded.pop_back();
  CHECK(carries_token("Basic " + unpadded, token));

  CHECK_FALSE(carries_token("", token));
  CHECK_FALSE(carries_token(token, token));
  CHECK_FALSE(carries_token("Bearer", token));
  CHECK_FALSE(carries_token("Bearer " + token + "x", token));
  CHECK_FALSE(carries_token("Bearer " + token.substr(1), token));
  CHECK_FALSE(carries_token("Bearertoken " + token, token));
  CHECK_FALSE(carries_token("Basic " + base64(token + ":anything"), token));  // the token as the user is not enough
  CHECK_FALSE(carries_token("Basic " + base64(token), token));                // no user:password form
  CHECK_FALSE(carries_token("Basic %%%%", token));
  CHECK_FALSE(carries_token("Bearer ", ""));
}
