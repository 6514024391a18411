// Feedback messages (RFC 4585 §6.1 common format): generic NACK (§6.2.1), PLI
// (§6.3.1), FIR (RFC 5104 §4.3.1) and REMB (draft-alvestrand-rmcat-remb-03 §2.2).
#include "common/bytes.hpp"
#include "rtc/rtcp/packet_codec.hpp"

namespace bailanys::rtc::rtcp::detail {
namespace {

constexpr std::size_t kCommonFeedbackSize = 8;  // sender SSRC + media SSRC
constexpr std::size_t kNackItemSize = 4;        // PID + BLP
constexpr std::size_t kFirItemSize = 8;         // SSRC + seq + reserved
constexpr std::uint32_t kRembIdentifier = 0x52454D42;  // "REMB"
constexpr std::uint64_t kMaxRembMantissa = 0x3FFFF;    // 18 bits
constexpr std::size_t kMaxRembSsrcs = 255;

// The FCI after the two SSRCs; nullopt when the common part is missing.
std::optional<std::span<const std::uint8_t>> fci_of(const RtcpHeaderView& h,
                                                    RtcpRejectReason& why) {
  if (h.body.size() < kCommonFeedbackSize) {
    why = RtcpRejectReason::FeedbackTruncated;
    return std::nullopt;
  }
  return h.body.subspan(kCommonFeedbackSize);
}

std::size_t begin_feedback(std::vector<std::uint8_t>& out, std::uint8_t format,
                           std::uint8_t type, std::uint32_t sender, std::uint32_t media) {
  const std::size_t start = begin_packet(out, format, type);
  ByteWriter w(out);
  w.u32(sender);
  w.u32(media);
  return start;
}

}  // namespace

std::optional<Nack> parse_nack(const RtcpHeaderView& h, RtcpRejectReason& why) {
  const auto fci = fci_of(h, why);
  if (!fci) return std::nullopt;
  if (fci->empty() || fci->size() % kNackItemSize != 0) {
    why = RtcpRejectReason::NackBadLength;
    return std::nullopt;
  }
  Nack nack{h.sender_ssrc, h.media_ssrc, {}};
  nack.lost.reserve(fci->size() / kNackItemSize * 17);
  for (std::size_t pos = 0; pos < fci->size(); pos += kNackItemSize) {
    const std::uint16_t pid = load_be16(&(*fci)[pos]);
    const std::uint16_t blp = load_be16(&(*fci)[pos + 2]);
    nack.lost.push_back(pid);
    // BLP bit i reports PID + i + 1 lost.
    for (unsigned bit = 0; bit < 16; ++bit) {
      if ((blp >> bit) & 1U) nack.lost.push_back(static_cast<std::uint16_t>(pid + bit + 1));
    }
  }
  return nack;
}

std::optional<Pli> parse_pli(const RtcpHeaderView& h, RtcpRejectReason& why) {
  if (!fci_of(h, why)) return std::nullopt;
  return Pli{h.sender_ssrc, h.media_ssrc};
}

std::optional<Fir> parse_fir(const RtcpHeaderView& h, RtcpRejectReason& why) {
  const auto fci = fci_of(h, why);
  if (!fci) return std::nullopt;
  if (fci->empty() || fci->size() % kFirItemSize != 0) {
    why = RtcpRejectReason::FirBadLength;
    return std::nullopt;
  }
  Fir fir{h.sender_ssrc, {}};
  fir.entries.reserve(fci->size() / kFirItemSize);
  for (std::size_t pos = 0; pos < fci->size(); pos += kFirItemSize) {
    fir.entries.push_back({load_be32(&(*fci)[pos]), (*fci)[pos + 4]});
  }
  return fir;
}

std::optional<Remb> parse_remb(const RtcpHeaderView& h, RtcpRejectReason& why) {
  const auto fci = fci_of(h, why);
  if (!fci) return std::nullopt;
  // 'R' 'E' 'M' 'B' | Num SSRC | BR Exp (6) BR Mantissa (18) | SSRC feedback...
  if (fci->size() < 8 || load_be32(fci->data()) != kRembIdentifier) return std::nullopt;
  const std::size_t count = (*fci)[4];
  const std::uint8_t exponent = (*fci)[5] >> 2;
  const std::uint64_t mantissa = (std::uint64_t{(*fci)[5] & 0x03U} << 16) | load_be16(&(*fci)[6]);
  if (fci->size() < 8 + 4 * count) {
    why = RtcpRejectReason::RembTruncated;
    return std::nullopt;
  }
  const std::uint64_t bitrate = mantissa << exponent;
  if ((bitrate >> exponent) != mantissa) {
    why = RtcpRejectReason::RembBitrateOverflow;
    return std::nullopt;
  }
  Remb remb{h.sender_ssrc, bitrate, {}};
  remb.ssrcs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) remb.ssrcs.push_back(load_be32(&(*fci)[8 + 4 * i]));
  return remb;
}

bool write_nack(std::vector<std::uint8_t>& out, const Nack& nack) {
  if (nack.lost.empty()) return false;  // §6.2.1 needs at least one FCI entry
  const std::size_t start = begin_feedback(out, kNackFormat, kTransportFeedbackType,
                                           nack.sender_ssrc, nack.media_ssrc);
  ByteWriter w(out);
  std::size_t i = 0;
  while (i < nack.lost.size()) {
    const std::uint16_t pid = nack.lost[i++];
    std::uint16_t blp = 0;
    unsigned last_offset = 0;
    // Fold following sequences into the bitmask while they keep ascending within
    // PID+1..PID+16, so parsing gives back exactly this list.
    while (i < nack.lost.size()) {
      const unsigned offset = static_cast<std::uint16_t>(nack.lost[i] - pid);
      if (offset <= last_offset || offset > 16) break;
      blp = static_cast<std::uint16_t>(blp | (1U << (offset - 1)));
      last_offset = offset;
      ++i;
    }
    w.u16(pid);
    w.u16(blp);
  }
  return finish_packet(out, start);
}

bool write_pli(std::vector<std::uint8_t>& out, const Pli& pli) {
  const std::size_t start =
      begin_feedback(out, kPliFormat, kPayloadFeedbackType, pli.sender_ssrc, pli.media_ssrc);
  return finish_packet(out, start);
}

bool write_fir(std::vector<std::uint8_t>& out, const Fir& fir) {
  if (fir.entries.empty()) return false;
  // RFC 5104 §4.3.1.2: "SSRC of media source" is not used and SHALL be 0.
  const std::size_t start =
      begin_feedback(out, kFirFormat, kPayloadFeedbackType, fir.sender_ssrc, 0);
  ByteWriter w(out);
  for (const auto& entry : fir.entries) {
    w.u32(entry.ssrc);
    w.u8(entry.seq);
    w.u24(0);
  }
  return finish_packet(out, start);
}

bool write_remb(std::vector<std::uint8_t>& out, const Remb& remb) {
  if (remb.ssrcs.size() > kMaxRembSsrcs) return false;
  unsigned exponent = 0;
  while ((remb.bitrate_bps >> exponent) > kMaxRembMantissa) ++exponent;
  const auto mantissa = static_cast<std::uint32_t>(remb.bitrate_bps >> exponent);
  const std::size_t start =
      begin_feedback(out, kAfbFormat, kPayloadFeedbackType, remb.sender_ssrc, 0);
  ByteWriter w(out);
  w.u32(kRembIdentifier);
  w.u8(static_cast<std::uint8_t>(remb.ssrcs.size()));
  w.u24((exponent << 18) | mantissa);
  for (const std::uint32_t ssrc : remb.ssrcs) w.u32(ssrc);
  return finish_packet(out, start);
}

}  // namespace bailanys::rtc::rtcp::detail
