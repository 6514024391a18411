#pragma once

#include <string>
#include <string_view>

namespace bailanys::auth {

struct PasswordCost {
  unsigned long long ops;
  std::size_t mem_bytes;
};
// libsodium's "interactive" argon2id limits: ~64 MiB, a fraction of a second.
PasswordCost default_password_cost();
// Cheap limits for tests only (argon2id still, just smaller).
PasswordCost test_password_cost();

// Returns an encoded "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string.
std::string hash_password(std::string_view password, PasswordCost cost);
bool verify_password(std::string_view encoded_hash, std::string_view password);

}  // namespace bailanys::auth
