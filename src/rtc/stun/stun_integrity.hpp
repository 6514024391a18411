// The two digests shared by the builder and the checks: MESSAGE-INTEGRITY (RFC 8489 §14.5)
// and FINGERPRINT (§14.7). Both cover the message up to the attribute's header.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace bailanys::rtc::stun {

using IntegrityDigest = std::array<std::uint8_t, 20>;

// HMAC-SHA1 over `prefix` (header + attributes before MESSAGE-INTEGRITY) with the header's
// length field rewritten to end just after MESSAGE-INTEGRITY. nullopt if OpenSSL fails or
// `prefix` is shorter than a header.
std::optional<IntegrityDigest> integrity_digest(std::span<const std::uint8_t> prefix,
                                                std::span<const std::uint8_t> key);
// CRC-32 of `prefix` (whose length field already counts FINGERPRINT) XOR 0x5354554e.
std::uint32_t fingerprint_value(std::span<const std::uint8_t> prefix);

}  // namespace bailanys::rtc::stun
