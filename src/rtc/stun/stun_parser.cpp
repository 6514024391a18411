// Parsing per RFC 8489 §5 (header), §14 (attributes) and §6.3 (basic validity checks).
#include <algorithm>
#include <string>

#include "common/bytes.hpp"
#include "rtc/stun/stun_address.hpp"
#include "rtc/stun/stun_attributes.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/stun_message_type.hpp"

namespace bailanys::rtc::stun {
namespace {

std::string to_text(std::span<const std::uint8_t> value) {
  return {reinterpret_cast<const char*>(value.data()), value.size()};
}

// Text attributes keep their first occurrence; an over-long one makes the message malformed.
bool read_text(std::span<const std::uint8_t> value, std::size_t max_bytes,
               std::optional<std::string>& field) {
  if (value.size() > max_bytes) return false;
  if (!field) field = to_text(value);
  return true;
}

template <typename T>
bool read_fixed(ByteReader r, std::size_t size, std::optional<T>& field, T (ByteReader::*read)()) {
  if (r.remaining() != size) return false;
  const T v = (r.*read)();
  if (!field) field = v;
  return true;
}

bool read_address(std::span<const std::uint8_t> value, bool xored, const TransactionId& id,
                  std::optional<SocketAddress>& field) {
  const auto address = decode_address(value, xored, id);
  if (!address) return false;
  if (!field) field = address;
  return true;
}

// §14.8: two reserved bytes (21 bits zero in the RFC, ignored here), class 3..6, number 0..99.
bool read_error_code(std::span<const std::uint8_t> value, std::optional<StunErrorCode>& field) {
  if (value.size() < 4 || value.size() > 4 + kMaxTextAttributeBytes) return false;
  const int error_class = value[2] & 0x07;
  const int number = value[3];
  if (error_class < 3 || error_class > 6 || number > 99) return false;
  if (!field) field = StunErrorCode{error_class * 100 + number, to_text(value.subspan(4))};
  return true;
}

bool read_unknown_attributes(std::span<const std::uint8_t> value, StunMessage& msg) {
  if (value.size() % 2 != 0) return false;
  if (!msg.unknown_attributes.empty()) return true;
  for (std::size_t i = 0; i < value.size(); i += 2) {
    msg.unknown_attributes.push_back(load_be16(&value[i]));
  }
  return true;
}

void note_unknown(std::uint16_t type, StunMessage& msg) {
  // Only comprehension-required ones matter (§15): they earn a 420 for requests.
  if (!is_comprehension_required(type)) return;
  auto& list = msg.unknown_required;
  if (std::find(list.begin(), list.end(), type) == list.end()) list.push_back(type);
}

// False when a known attribute has a value of the wrong shape.
bool read_attribute(std::uint16_t type, std::span<const std::uint8_t> value, StunMessage& msg) {
  const ByteReader r(value);
  switch (type) {
    case attr::kUsername:
      return read_text(value, kMaxUsernameBytes, msg.username);
    case attr::kPriority:
      return read_fixed(r, 4, msg.priority, &ByteReader::u32);
    case attr::kIceControlling:
      return read_fixed(r, 8, msg.ice_controlling, &ByteReader::u64);
    case attr::kIceControlled:
      return read_fixed(r, 8, msg.ice_controlled, &ByteReader::u64);
    case attr::kUseCandidate:
      msg.use_candidate = true;
      return value.empty();
    case attr::kXorMappedAddress:
      return read_address(value, true, msg.transaction_id, msg.xor_mapped_address);
    case attr::kMappedAddress:
      return read_address(value, false, msg.transaction_id, msg.mapped_address);
    case attr::kErrorCode:
      return read_error_code(value, msg.error_code);
    case attr::kUnknownAttributes:
      return read_unknown_attributes(value, msg);
    case attr::kSoftware:
      return read_text(value, kMaxTextAttributeBytes, msg.software);
    case attr::kRealm:
      return read_text(value, kMaxTextAttributeBytes, msg.realm);
    case attr::kNonce:
      return read_text(value, kMaxTextAttributeBytes, msg.nonce);
    default:
      note_unknown(type, msg);
      return true;
  }
}

}  // namespace

bool looks_like_stun(std::span<const std::uint8_t> packet) {
  return packet.size() >= kHeaderSize && packet[0] <= 3 && load_be32(&packet[4]) == kMagicCookie;
}

std::optional<StunMessage> parse_stun(std::span<const std::uint8_t> packet) {
  if (!looks_like_stun(packet)) return std::nullopt;
  ByteReader r(packet);
  const std::uint16_t type = r.u16();
  const std::uint16_t length = r.u16();
  r.skip(4);  // magic cookie, checked above
  // §5: the top two type bits are zero and the length counts whole padded attributes.
  if ((type & 0xC000) != 0 || length % 4 != 0 || length != packet.size() - kHeaderSize) {
    return std::nullopt;
  }
  StunMessage msg;
  msg.method = method_of(type);
  msg.message_class = class_of(type);
  const auto id = r.bytes(msg.transaction_id.size());
  std::copy(id.begin(), id.end(), msg.transaction_id.begin());

  while (r.remaining() > 0) {
    // §14.7: FINGERPRINT is always the last attribute.
    if (msg.fingerprint_offset) return std::nullopt;
    const std::size_t offset = r.position();
    const std::uint16_t attr_type = r.u16();
    const std::uint16_t attr_length = r.u16();
    const auto value = r.bytes(attr_length);
    r.skip(padded_size(attr_length) - attr_length);  // padding content is ignored (§14)
    if (!r.ok()) return std::nullopt;

    if (attr_type == attr::kFingerprint) {
      if (attr_length != kFingerprintSize) return std::nullopt;
      msg.fingerprint_offset = offset;
    } else if (msg.integrity_offset) {
      // §14.5: everything between MESSAGE-INTEGRITY and FINGERPRINT is ignored.
    } else if (attr_type == attr::kMessageIntegrity) {
      if (attr_length != kIntegritySize) return std::nullopt;
      msg.integrity_offset = offset;
    } else if (!read_attribute(attr_type, value, msg)) {
      return std::nullopt;
    }
  }
  return msg;
}

}  // namespace bailanys::rtc::stun
