#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace bailanys::auth {

PasswordCost default_password_cost() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PasswordCost test_password_cost() { return {crypto_pwhash_argon2id_OPSLIMIT_MIN, 8192}; }

std::string hash_password(std::string_view password, PasswordCost cost) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), cost.ops,
                                 cost.mem_bytes) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  // crypto_pwhash_str_verify needs a NUL-terminated string.
  const std::string hash(encoded_hash);
  if (hash.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_argon2id_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace bailanys::auth
