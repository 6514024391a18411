// Every packet the media path refuses has a named reason and a counter (ARCHITECTURE.md,
// "classify cheaply, then parse"). Counters are per worker and touched only on its thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace bailanys::rtc::transport {

enum class DropReason : std::uint8_t {
  UnknownSource,      // not STUN from a known ufrag, and not from a path we know
  Unclassified,       // first byte is neither STUN, DTLS nor RTP/RTCP (RFC 7983)
  StunRejected,       // the ICE agent refused it (see the agent's own reason in the log)
  TooManyPaths,       // a transport already has the most candidate pairs we keep
  DtlsFailed,         // DTLS record after the handshake failed or closed
  SrtpNotReady,       // SRTP before the DTLS handshake finished
  SrtpAuthFailed,     // wrong key or tampered packet
  SrtpReplay,         // duplicate or too old (RFC 3711 §3.3.2)
  SrtpOther,          // malformed for libsrtp
  RtpMalformed,       // decrypted but not a valid RTP packet
  RtcpMalformed,      // decrypted but not a valid compound RTCP packet
  NoSelectedPath,     // sending before ICE nominated a pair
  ProtectFailed,      // SRTP refused to protect an outgoing packet
  TransportClosed,    // packet for a transport that has ended
  Count
};

const char* to_string(DropReason reason);

class DropCounters {
 public:
  void add(DropReason r) { ++counts_[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::uint64_t get(DropReason r) const { return counts_[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::uint64_t total() const;
  void merge(const DropCounters& other);
  // "srtp_replay=3 unknown_source=12", or "none": for logs.
  [[nodiscard]] std::string summary() const;

 private:
  std::array<std::uint64_t, static_cast<std::size_t>(DropReason::Count)> counts_{};
};

}  // namespace bailanys::rtc::transport
