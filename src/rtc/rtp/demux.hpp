// Cheap first-byte classification of a datagram that arrived on the media port.
#pragma once

#include <cstdint>
#include <span>

namespace bailanys::rtc::rtp {

// RFC 7983 §7: a first byte in 128..191 is RTP or RTCP (version 2). RTCP needs at
// least its 8-byte header plus sender SSRC, RTP its 12-byte fixed header.
bool looks_like_rtp_or_rtcp(std::span<const std::uint8_t> packet);

// RFC 5761 §4: on a muxed port, a second byte (PT with the marker bit) in 192..223 is
// RTCP; RTP payload types 64..95 are avoided for exactly this reason.
bool is_rtcp(std::span<const std::uint8_t> packet);

}  // namespace bailanys::rtc::rtp
