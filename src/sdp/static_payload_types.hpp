// The static RTP payload types of RFC 3551 §6 that may appear without a=rtpmap.
#pragma once

#include <cstdint>

#include "sdp/session_description.hpp"

namespace bailanys::sdp {

// A Codec for `payload_type` with the RFC 3551 name and clock rate when it is static
// (0 → PCMU/8000, 8 → PCMA/8000, ...); otherwise only the payload type is set.
Codec static_codec(std::uint8_t payload_type);

}  // namespace bailanys::sdp
