// Telling DTLS apart from STUN, RTP/RTCP and TURN channels on a shared port.
#pragma once

#include <cstdint>
#include <span>

namespace bailanys::rtc::dtls {

// RFC 7983 §7: a first byte in 20..63 is a DTLS record (content types 20-23, room to grow).
bool looks_like_dtls(std::span<const std::uint8_t> packet);

}  // namespace bailanys::rtc::dtls
