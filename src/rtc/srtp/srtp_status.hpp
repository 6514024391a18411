// Why an SRTP/SRTCP protect or unprotect call did not produce a packet.
#pragma once

#include <cstdint>

namespace bailanys::rtc::srtp {

enum class SrtpStatus : std::uint8_t {
  Ok,
  BadPacket,        // too short, not version 2, header overruns the data, size past the buffer
  ReplayOld,        // index behind the replay window (RFC 3711 §3.3.2)
  ReplayDuplicate,  // index already seen inside the window
  AuthFailed,       // tag mismatch: wrong key or tampered packet
  NoRoom,           // protect: fewer than kSrtpMaxOverhead spare bytes after the packet
  Failed,           // anything else libsrtp reports, or the wrong direction for this session
};

const char* to_string(SrtpStatus status);

}  // namespace bailanys::rtc::srtp
