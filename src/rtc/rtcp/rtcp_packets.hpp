// The RTCP packets an SFU reads and writes, as plain values: reports and SDES/BYE
// (RFC 3550 §6.4-6.6), NACK and PLI (RFC 4585 §6.2.1, §6.3.1), FIR (RFC 5104 §4.3.1),
// REMB (draft-alvestrand-rmcat-remb-03 §2.2) and transport-wide congestion control
// feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
// For the forwarding path without building values, see rtcp_header.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "rtc/rtcp/rtcp_header.hpp"

namespace bailanys::rtc::rtcp {

// RFC 3550 §6.4.1 reception report block.
struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;
  std::int32_t cumulative_lost = 0;  // signed 24 bits on the wire (clamped when written)
  std::uint32_t highest_seq = 0;     // extended highest sequence number received
  std::uint32_t jitter = 0;
  std::uint32_t last_sr = 0;               // middle 32 bits of the last SR's NTP time
  std::uint32_t delay_since_last_sr = 0;   // 1/65536 s
  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

// More than 31 report blocks are written as extra RR packets after this one.
struct SenderReport {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp_time = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtp_time = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  std::vector<ReportBlock> reports;
  friend bool operator==(const SenderReport&, const SenderReport&) = default;
};

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::vector<ReportBlock> reports;
  friend bool operator==(const ReceiverReport&, const ReceiverReport&) = default;
};

// Only CNAME is kept (RFC 3550 §6.5.1); other items are skipped when parsing.
struct SdesChunk {
  std::uint32_t ssrc = 0;
  std::string cname;  // at most 255 bytes are written
  friend bool operator==(const SdesChunk&, const SdesChunk&) = default;
};
struct Sdes {
  std::vector<SdesChunk> chunks;
  friend bool operator==(const Sdes&, const Sdes&) = default;
};

struct Bye {
  std::vector<std::uint32_t> ssrcs;
  std::string reason;  // at most 255 bytes are written
  friend bool operator==(const Bye&, const Bye&) = default;
};

// RFC 4585 §6.2.1 (PID+BLP expanded). Written in the given order: a sequence joins the
// current PID's bitmask only when it lies after every bit already set there.
struct Nack {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::vector<std::uint16_t> lost;
  friend bool operator==(const Nack&, const Nack&) = default;
};

struct Pli {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  friend bool operator==(const Pli&, const Pli&) = default;
};

// RFC 5104 §4.3.1: the media source field is unused (0); targets are in the entries.
struct FirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t seq = 0;
  friend bool operator==(const FirEntry&, const FirEntry&) = default;
};
struct Fir {
  std::uint32_t sender_ssrc = 0;
  std::vector<FirEntry> entries;
  friend bool operator==(const Fir&, const Fir&) = default;
};

// Receiver estimated max bitrate. Written as an 18-bit mantissa and 6-bit exponent, so
// large values lose their low bits; at most 255 SSRCs.
struct Remb {
  std::uint32_t sender_ssrc = 0;
  std::uint64_t bitrate_bps = 0;
  std::vector<std::uint32_t> ssrcs;
  friend bool operator==(const Remb&, const Remb&) = default;
};

// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.
struct TransportFeedback {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::uint16_t base_sequence = 0;
  std::int32_t reference_time_64ms = 0;  // signed 24 bits
  std::uint8_t feedback_count = 0;
  struct Packet {
    std::uint16_t sequence = 0;
    bool received = false;
    // From the previous received packet (first: from the reference time), a multiple
    // of 250 us in -8192000..8191750; ignored when not received.
    std::int64_t delta_us = 0;
    friend bool operator==(const Packet&, const Packet&) = default;
  };
  // One entry per sequence number from base_sequence on, consecutive (mod 2^16).
  std::vector<Packet> packets;
  friend bool operator==(const TransportFeedback&, const TransportFeedback&) = default;
};

// Any other packet type or format (APP, XR, SLI, TMMBR, non-REMB AFB, ...), kept whole
// so it can be written back unchanged.
struct UnknownRtcp {
  std::uint8_t packet_type = 0;
  std::uint8_t format = 0;
  std::vector<std::uint8_t> body;  // after the common header, padding removed
  friend bool operator==(const UnknownRtcp&, const UnknownRtcp&) = default;
};

using RtcpPacket = std::variant<SenderReport, ReceiverReport, Sdes, Bye, Nack, Pli, Fir, Remb,
                                TransportFeedback, UnknownRtcp>;

// Parses a compound (or reduced-size, RFC 5506) RTCP packet. nullopt when the framing
// is broken or a known packet is malformed; unknown types become UnknownRtcp.
std::optional<std::vector<RtcpPacket>> parse_rtcp(std::span<const std::uint8_t> packet);
std::optional<std::vector<RtcpPacket>> parse_rtcp(std::span<const std::uint8_t> packet,
                                                  RtcpRejectReason& reason);

// Serializes packets back to back into one compound packet. Returns an empty vector
// when any packet cannot be encoded (see try_append_rtcp).
std::vector<std::uint8_t> serialize_rtcp(std::span<const RtcpPacket> packets);
// Appends one packet; a packet that cannot be encoded is skipped.
void append_rtcp(std::vector<std::uint8_t>& out, const RtcpPacket& packet);
// Appends one packet, or returns false and leaves `out` unchanged when it cannot be
// encoded: a NACK with no sequence, a FIR with no entry, a REMB with over 255 SSRCs, a
// transport feedback that is empty, has non-consecutive sequences, a delta that is not
// a multiple of 250 us or does not fit 16 bits of 250 us, or a reference time outside
// 24 bits; or any packet longer than the 16-bit length field allows.
[[nodiscard]] bool try_append_rtcp(std::vector<std::uint8_t>& out, const RtcpPacket& packet);

}  // namespace bailanys::rtc::rtcp
