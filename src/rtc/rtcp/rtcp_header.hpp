// RTCP framing (RFC 3550 §6.4.1 common header, §6.1 compound packets, RFC 5506
// reduced-size): walks the packets of a compound without interpreting their bodies,
// so the forwarding path can route feedback by SSRC without building anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace bailanys::rtc::rtcp {

// Packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611).
inline constexpr std::uint8_t kSenderReportType = 200;
inline constexpr std::uint8_t kReceiverReportType = 201;
inline constexpr std::uint8_t kSdesType = 202;
inline constexpr std::uint8_t kByeType = 203;
inline constexpr std::uint8_t kAppType = 204;
inline constexpr std::uint8_t kTransportFeedbackType = 205;  // RTPFB
inline constexpr std::uint8_t kPayloadFeedbackType = 206;    // PSFB
inline constexpr std::uint8_t kExtendedReportType = 207;

// FMT values under RTPFB and PSFB.
inline constexpr std::uint8_t kNackFormat = 1;          // RFC 4585 §6.2.1
inline constexpr std::uint8_t kTransportCcFormat = 15;  // draft-holmer-...-01 §3.1
inline constexpr std::uint8_t kPliFormat = 1;           // RFC 4585 §6.3.1
inline constexpr std::uint8_t kFirFormat = 4;           // RFC 5104 §4.3.1
inline constexpr std::uint8_t kAfbFormat = 15;          // RFC 4585 §6.4 (REMB lives here)

// Why a compound was dropped; one counter per value in the caller.
enum class RtcpRejectReason : std::uint8_t {
  None,
  Empty,
  TruncatedHeader,   // fewer than 4 bytes left for a common header
  BadVersion,        // version field is not 2
  LengthOverrun,     // a length field points past the end of the datagram
  BadPadding,        // P bit with a zero count or a count larger than the body
  SenderReportTruncated,
  ReceiverReportTruncated,
  SdesTruncated,     // chunk or item runs past the end, or a chunk lacks its terminator
  ByeTruncated,
  FeedbackTruncated,  // RTPFB/PSFB shorter than its two SSRCs
  NackBadLength,      // no FCI, or not whole 4-byte entries
  FirBadLength,       // no FCI, or not whole 8-byte entries
  RembTruncated,      // SSRC list longer than the packet
  RembBitrateOverflow,  // mantissa << exponent does not fit 64 bits
  TransportCcTruncated,  // chunks or deltas run past the end
  TransportCcEmpty,      // packet status count of zero
  TransportCcReservedSymbol,  // status symbol 11 (draft §3.1.1)
};
std::string_view to_string(RtcpRejectReason reason);

// One packet of a compound: its framing is checked, its body is not.
struct RtcpHeaderView {
  std::uint8_t packet_type = 0;
  std::uint8_t format = 0;        // FMT for feedback, RC/SC count otherwise
  std::uint32_t sender_ssrc = 0;  // first word of the body (0 when the body is shorter)
  std::uint32_t media_ssrc = 0;   // RTPFB/PSFB "SSRC of media source"; 0 for other types
  std::size_t offset = 0;         // where the packet starts in the compound
  std::size_t size = 0;           // whole packet, header and padding included
  std::span<const std::uint8_t> body;  // after the 4-byte header, padding removed
};

// Iterates over a compound packet. Stops with error() set when the framing breaks.
class RtcpCompoundReader {
 public:
  explicit RtcpCompoundReader(std::span<const std::uint8_t> compound) : data_(compound) {}

  // The next packet, or nullopt at the end (error() == None) or on broken framing.
  std::optional<RtcpHeaderView> next();
  [[nodiscard]] RtcpRejectReason error() const { return error_; }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  RtcpRejectReason error_ = RtcpRejectReason::None;
};

// Validates the framing of a whole compound (RFC 3550 §6.4.1; RFC 5506 lifts the
// "starts with SR/RR" rule, so any first type is accepted).
bool is_valid_rtcp_framing(std::span<const std::uint8_t> compound,
                           RtcpRejectReason* reason = nullptr);

}  // namespace bailanys::rtc::rtcp
