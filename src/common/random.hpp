// Cryptographically secure randomness and digests (libsodium).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bailanys {

// Must be called once before any other function here (calls sodium_init).
void init_crypto();

// `bytes` random bytes encoded as unpadded base64url.
std::string random_token(std::size_t bytes);
// Uniform integer in [0, upper).
std::uint32_t random_below(std::uint32_t upper);
// Lower-case hex SHA-256 of the input.
std::string sha256_hex(std::string_view data);
// Constant-time comparison for secrets of equal length.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace bailanys
