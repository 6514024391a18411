// The DTLS-SRTP protection profiles a WebRTC peer negotiates (RFC 5764 §4.1.2, RFC 7714 §14.2)
// and the master key/salt sizes each one needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace bailanys::rtc::srtp {

// Preference order: browsers offer both; AES-GCM is cheaper (one pass, no HMAC) and stronger.
enum class SrtpProfile : std::uint8_t { AeadAes128Gcm, Aes128CmSha1_80 };

// Master key length in bytes: 16 for both profiles.
std::size_t srtp_key_length(SrtpProfile profile);
// Master salt length in bytes: 12 for AEAD_AES_128_GCM (RFC 7714 §12), 14 for AES-CM (RFC 3711).
std::size_t srtp_salt_length(SrtpProfile profile);
// The name OpenSSL's SSL_set_tlsext_use_srtp() takes: "SRTP_AEAD_AES_128_GCM" /
// "SRTP_AES128_CM_SHA1_80".
const char* openssl_profile_name(SrtpProfile profile);
// The RFC names: "AEAD_AES_128_GCM" / "AES_CM_128_HMAC_SHA1_80".
const char* to_string(SrtpProfile profile);

// The two-byte SRTPProtectionProfile in the use_srtp extension: 0x0007 / 0x0001.
std::uint16_t dtls_srtp_profile_id(SrtpProfile profile);
// nullopt for a profile we do not implement (NULL ciphers, AES-256, 32-bit tags).
std::optional<SrtpProfile> srtp_profile_from_id(std::uint16_t id);

}  // namespace bailanys::rtc::srtp
