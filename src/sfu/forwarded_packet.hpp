// Writing the packets the SFU sends to a subscriber: a fresh RTP header under the subscriber's
// numbering (SSRC, sequence, timestamp, payload type, header-extension ids of the subscriber's
// session) in front of the publisher's payload, and RTX retransmissions (RFC 4588 §4).
// The publisher's own extensions are not copied blindly: their ids belong to the publisher's
// session, and some (transport-wide sequence numbers, abs-send-time) describe the publisher's
// hop, not ours. Pure functions on caller buffers; no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace bailanys::sfu {

struct ExtensionValue {
  std::uint8_t id = 0;  // 1..14 (one-byte form, RFC 8285 §4.2)
  std::span<const std::uint8_t> value;  // 1..16 bytes
};

struct ForwardHeader {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::array<ExtensionValue, 5> extensions{};
  std::size_t extension_count = 0;
  // Padding bytes after the payload (RFC 3550 §5.1: P bit, the last byte holds the count);
  // 0 = none. A padding-only packet (a bandwidth probe) keeps its sequence number this way.
  std::uint8_t padding = 0;

  // Ignores values that cannot go in the one-byte form (bad id or size) and a sixth one.
  void add_extension(std::uint8_t id, std::span<const std::uint8_t> value);
};

// Header + extensions + payload into `out`; returns the size, or 0 when it does not fit.
std::size_t write_forwarded_packet(std::span<std::uint8_t> out, const ForwardHeader& header,
                                   std::span<const std::uint8_t> payload);

// An RTX packet for `original` (an RTP packet as sent before): its header and extensions with
// payload type, sequence and SSRC replaced, then the original sequence number (2 bytes), then
// the original payload. Returns the size, or 0 when `original` is not RTP or it does not fit.
std::size_t write_rtx_packet(std::span<std::uint8_t> out, std::span<const std::uint8_t> original,
                             std::uint8_t rtx_payload_type, std::uint16_t rtx_sequence,
                             std::uint32_t rtx_ssrc);

// abs-send-time (webrtc.org): 6.18 fixed-point seconds, 24 bits, from a monotonic ms clock.
std::array<std::uint8_t, 3> abs_send_time(std::int64_t now_ms);

}  // namespace bailanys::sfu
