// The STUN message type field (RFC 8489 §5): 12 method bits with the two class bits C1/C0
// interleaved at positions 8 and 4, and the top two bits zero.
#pragma once

#include <cstdint>

#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::stun {

constexpr std::uint16_t encode_message_type(std::uint16_t method, StunClass cls) {
  const auto c = static_cast<std::uint16_t>(cls);
  return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                    ((method & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
}
constexpr std::uint16_t method_of(std::uint16_t type) {
  return static_cast<std::uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) |
                                    ((type & 0x3E00) >> 2));
}
constexpr StunClass class_of(std::uint16_t type) {
  return static_cast<StunClass>(((type >> 4) & 1) | ((type >> 7) & 2));
}

static_assert(encode_message_type(kBindingMethod, StunClass::Request) == 0x0001);
static_assert(encode_message_type(kBindingMethod, StunClass::Indication) == 0x0011);
static_assert(encode_message_type(kBindingMethod, StunClass::SuccessResponse) == 0x0101);
static_assert(encode_message_type(kBindingMethod, StunClass::ErrorResponse) == 0x0111);

}  // namespace bailanys::rtc::stun
