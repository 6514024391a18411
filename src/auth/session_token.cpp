#include "auth/session_token.hpp"

#include "common/random.hpp"

namespace bailanys::auth {

IssuedToken issue_session_token() {
  IssuedToken t;
  t.token = random_token(32);
  t.hash = hash_session_token(t.token);
  return t;
}

std::string hash_session_token(std::string_view token) { return sha256_hex(token); }

}  // namespace bailanys::auth
