// The SRTP key derivation of RFC 3711 §4.3: session keys from the master key and salt with the
// AES-CM pseudo-random function, key_derivation_rate 0 (the only rate DTLS-SRTP uses, RFC 5764
// §4.1.2). For AEAD_AES_128_GCM the 96-bit master salt is padded with zeros to 112 bits first
// (RFC 7714 §11 with errata 4938), as libsrtp and the browsers do.
#pragma once

#include "rtc/srtp/srtp_profile.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace bailanys::rtc::srtp {

// RFC 3711 §4.3.2.
enum class SrtpKdfLabel : std::uint8_t {
  RtpCipherKey = 0,
  RtpAuthKey = 1,
  RtpSalt = 2,
  RtcpCipherKey = 3,
  RtcpAuthKey = 4,
  RtcpSalt = 5,
};

constexpr std::size_t kSrtpMasterKeySize = 16;
constexpr std::size_t kSrtpMaxSaltSize = 14;
constexpr std::size_t kSrtpAuthKeySize = 20;  // HMAC-SHA1 (RFC 3711 §4.2.1)

// The keys of one half of a session: SRTP (labels 0-2) or SRTCP (labels 3-5). Wiped on
// destruction.
struct SrtpSessionKeys {
  std::array<std::uint8_t, kSrtpMasterKeySize> cipher_key{};
  std::array<std::uint8_t, kSrtpMaxSaltSize> salt{};      // AES-GCM uses the first 12 bytes
  std::array<std::uint8_t, kSrtpAuthKeySize> auth_key{};  // AES-CM + HMAC-SHA1 only

  SrtpSessionKeys() = default;
  SrtpSessionKeys(const SrtpSessionKeys&) = default;
  SrtpSessionKeys& operator=(const SrtpSessionKeys&) = default;
  ~SrtpSessionKeys();
};

// `out.size()` bytes of the PRF output for `label`: the AES-CM key stream under the master key
// from the IV (label * 2^48 XOR master_salt) * 2^16. master_key is 16 bytes, master_salt 12 or
// 14. False when the sizes are wrong or OpenSSL fails.
bool srtp_kdf(std::span<const std::uint8_t> master_key, std::span<const std::uint8_t> master_salt,
              SrtpKdfLabel label, std::span<std::uint8_t> out);

// Every session key the profile needs, for SRTP (rtcp = false) or SRTCP.
bool derive_srtp_session_keys(SrtpProfile profile, std::span<const std::uint8_t> master_key,
                              std::span<const std::uint8_t> master_salt, bool rtcp,
                              SrtpSessionKeys& keys);

}  // namespace bailanys::rtc::srtp
