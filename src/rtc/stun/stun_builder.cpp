// Building per RFC 8489 §5 and §14; MESSAGE-INTEGRITY and FINGERPRINT last (§14.5, §14.7).
#include <string>

#include "common/bytes.hpp"
#include "rtc/stun/stun_address.hpp"
#include "rtc/stun/stun_attributes.hpp"
#include "rtc/stun/stun_integrity.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/stun_message_type.hpp"

namespace bailanys::rtc::stun {
namespace {

// Largest body that still leaves room for MESSAGE-INTEGRITY and FINGERPRINT in a 16-bit,
// 4-aligned length field.
constexpr std::size_t kMaxBodyBeforeTrailer =
    0xFFFC - (kAttributeHeaderSize + kIntegritySize) - (kAttributeHeaderSize + kFingerprintSize);

void append_attribute(std::vector<std::uint8_t>& out, std::uint16_t type,
                      std::span<const std::uint8_t> value) {
  ByteWriter w(out);
  w.u16(type);
  w.u16(static_cast<std::uint16_t>(value.size()));
  w.bytes(value);
  w.zeros(padded_size(value.size()) - value.size());
  w.patch_u16(2, static_cast<std::uint16_t>(out.size() - kHeaderSize));
}

template <typename T>
std::vector<std::uint8_t> big_endian(T v) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  if constexpr (sizeof(T) == 4) {
    w.u32(v);
  } else {
    w.u64(v);
  }
  return out;
}

}  // namespace

StunBuilder::StunBuilder(std::uint16_t method, StunClass cls, const TransactionId& id)
    : transaction_id_(id) {
  buffer_.reserve(128);
  ByteWriter w(buffer_);
  w.u16(encode_message_type(method, cls));
  w.u16(0);
  w.u32(kMagicCookie);
  w.bytes(id);
}

StunBuilder& StunBuilder::attribute(std::uint16_t type, std::span<const std::uint8_t> value) {
  const std::size_t body = buffer_.size() - kHeaderSize;
  if (value.size() > kMaxBodyBeforeTrailer ||
      kAttributeHeaderSize + padded_size(value.size()) > kMaxBodyBeforeTrailer - body) {
    return *this;  // would overflow the length field; see the class comment
  }
  append_attribute(buffer_, type, value);
  return *this;
}

StunBuilder& StunBuilder::username(std::string_view v) {
  return attribute(attr::kUsername, as_bytes(v));
}
StunBuilder& StunBuilder::software(std::string_view v) {
  return attribute(attr::kSoftware, as_bytes(v));
}
StunBuilder& StunBuilder::realm(std::string_view v) { return attribute(attr::kRealm, as_bytes(v)); }
StunBuilder& StunBuilder::nonce(std::string_view v) { return attribute(attr::kNonce, as_bytes(v)); }
StunBuilder& StunBuilder::use_candidate() { return attribute(attr::kUseCandidate, {}); }

StunBuilder& StunBuilder::priority(std::uint32_t v) {
  return attribute(attr::kPriority, big_endian(v));
}
StunBuilder& StunBuilder::ice_controlling(std::uint64_t v) {
  return attribute(attr::kIceControlling, big_endian(v));
}
StunBuilder& StunBuilder::ice_controlled(std::uint64_t v) {
  return attribute(attr::kIceControlled, big_endian(v));
}

StunBuilder& StunBuilder::xor_mapped_address(const SocketAddress& a) {
  return attribute(attr::kXorMappedAddress, encode_address(a, true, transaction_id_));
}
StunBuilder& StunBuilder::mapped_address(const SocketAddress& a) {
  return attribute(attr::kMappedAddress, encode_address(a, false, transaction_id_));
}

StunBuilder& StunBuilder::error_code(int code, std::string_view reason) {
  // §14.8: class = hundreds digit in 3 bits, number = code modulo 100.
  std::vector<std::uint8_t> value{0, 0, static_cast<std::uint8_t>((code / 100) & 0x07),
                                  static_cast<std::uint8_t>(code % 100)};
  const auto text = as_bytes(reason);
  value.insert(value.end(), text.begin(), text.end());
  return attribute(attr::kErrorCode, value);
}

StunBuilder& StunBuilder::unknown_attributes(std::span<const std::uint16_t> types) {
  std::vector<std::uint8_t> value;
  ByteWriter w(value);
  for (const std::uint16_t t : types) w.u16(t);
  return attribute(attr::kUnknownAttributes, value);
}

std::vector<std::uint8_t> StunBuilder::finish(std::span<const std::uint8_t> integrity_key,
                                              bool fingerprint) const {
  std::vector<std::uint8_t> out = buffer_;
  out.reserve(out.size() + 32);
  if (!integrity_key.empty()) {
    // integrity_digest() rewrites the length itself, so the trailer's order does not matter.
    const auto digest = integrity_digest(out, integrity_key);
    if (digest) append_attribute(out, attr::kMessageIntegrity, *digest);
  }
  if (fingerprint) {
    // §14.7: the CRC covers a header whose length already includes FINGERPRINT.
    ByteWriter(out).patch_u16(
        2, static_cast<std::uint16_t>(out.size() - kHeaderSize + kAttributeHeaderSize +
                                      kFingerprintSize));
    std::array<std::uint8_t, 4> crc{};
    store_be32(crc.data(), fingerprint_value(out));
    append_attribute(out, attr::kFingerprint, crc);
  }
  return out;
}

}  // namespace bailanys::rtc::stun
