#pragma once

#include <string>
#include <string_view>

namespace bailanys::auth {

struct IssuedToken {
  std::string token;  // goes into the cookie, never stored
  std::string hash;   // goes into the database
};

// 32 random bytes (256 bits), base64url.
IssuedToken issue_session_token();
std::string hash_session_token(std::string_view token);

}  // namespace bailanys::auth
