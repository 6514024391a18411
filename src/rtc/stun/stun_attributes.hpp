// Wire constants of STUN (RFC 8489 §5, §14, §18.3) and the ICE attributes (RFC 8445 §16.1).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bailanys::rtc::stun {

constexpr std::uint32_t kMagicCookie = 0x2112A442;
constexpr std::size_t kHeaderSize = 20;
constexpr std::size_t kAttributeHeaderSize = 4;
constexpr std::size_t kIntegritySize = 20;  // HMAC-SHA1 output
constexpr std::size_t kFingerprintSize = 4;
constexpr std::uint32_t kFingerprintXor = 0x5354554e;  // "STUN", §14.7
// Longest SOFTWARE / REALM / NONCE / ERROR-CODE reason: 128 characters of up to 6 bytes (§14).
constexpr std::size_t kMaxTextAttributeBytes = 763;
constexpr std::size_t kMaxUsernameBytes = 513;  // §14.3

namespace attr {
// Comprehension-required range 0x0000-0x7FFF.
constexpr std::uint16_t kMappedAddress = 0x0001;
constexpr std::uint16_t kUsername = 0x0006;
constexpr std::uint16_t kMessageIntegrity = 0x0008;
constexpr std::uint16_t kErrorCode = 0x0009;
constexpr std::uint16_t kUnknownAttributes = 0x000A;
constexpr std::uint16_t kRealm = 0x0014;
constexpr std::uint16_t kNonce = 0x0015;
constexpr std::uint16_t kMessageIntegritySha256 = 0x001C;
constexpr std::uint16_t kXorMappedAddress = 0x0020;
constexpr std::uint16_t kPriority = 0x0024;
constexpr std::uint16_t kUseCandidate = 0x0025;
// Comprehension-optional range 0x8000-0xFFFF.
constexpr std::uint16_t kSoftware = 0x8022;
constexpr std::uint16_t kFingerprint = 0x8028;
constexpr std::uint16_t kIceControlled = 0x8029;
constexpr std::uint16_t kIceControlling = 0x802A;
}  // namespace attr

constexpr bool is_comprehension_required(std::uint16_t type) { return type < 0x8000; }

// Attribute values are padded to a multiple of four bytes (§14).
constexpr std::size_t padded_size(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

}  // namespace bailanys::rtc::stun
