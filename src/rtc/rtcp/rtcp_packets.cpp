#include "rtc/rtcp/rtcp_packets.hpp"

#include "common/bytes.hpp"
#include "rtc/rtcp/packet_codec.hpp"

namespace bailanys::rtc::rtcp {
namespace detail {

std::size_t begin_packet(std::vector<std::uint8_t>& out, std::uint8_t format,
                         std::uint8_t packet_type) {
  const std::size_t start = out.size();
  out.push_back(static_cast<std::uint8_t>(0x80 | (format & 0x1F)));
  out.push_back(packet_type);
  out.push_back(0);
  out.push_back(0);
  return start;
}

bool finish_packet(std::vector<std::uint8_t>& out, std::size_t start, bool padding_bit) {
  const std::size_t unaligned = (out.size() - start) % 4;
  if (unaligned != 0) {
    const std::size_t padding = 4 - unaligned;
    out.insert(out.end(), padding, 0);
    if (padding_bit) {  // RFC 3550 §6.4.1: the last octet counts the padding
      out.back() = static_cast<std::uint8_t>(padding);
      out[start] |= 0x20;
    }
  }
  const std::size_t words = (out.size() - start) / 4 - 1;
  if (words > 0xFFFF) {
    out.resize(start);
    return false;
  }
  store_be16(&out[start + 2], static_cast<std::uint16_t>(words));
  return true;
}

}  // namespace detail

namespace {

using ParsedOne = std::optional<RtcpPacket>;

UnknownRtcp unknown_of(const RtcpHeaderView& h) {
  return UnknownRtcp{h.packet_type, h.format, {h.body.begin(), h.body.end()}};
}

template <typename T>
ParsedOne lift(std::optional<T> parsed) {
  if (!parsed) return std::nullopt;
  return RtcpPacket{std::move(*parsed)};
}

ParsedOne parse_one(const RtcpHeaderView& h, RtcpRejectReason& why) {
  switch (h.packet_type) {
    case kSenderReportType: return lift(detail::parse_sender_report(h, why));
    case kReceiverReportType: return lift(detail::parse_receiver_report(h, why));
    case kSdesType: return lift(detail::parse_sdes(h, why));
    case kByeType: return lift(detail::parse_bye(h, why));
    case kTransportFeedbackType:
      if (h.format == kNackFormat) return lift(detail::parse_nack(h, why));
      if (h.format == kTransportCcFormat) return lift(detail::parse_transport_feedback(h, why));
      break;
    case kPayloadFeedbackType:
      if (h.format == kPliFormat) return lift(detail::parse_pli(h, why));
      if (h.format == kFirFormat) return lift(detail::parse_fir(h, why));
      if (h.format == kAfbFormat) {
        auto remb = detail::parse_remb(h, why);
        if (remb || why != RtcpRejectReason::None) return lift(std::move(remb));
      }
      break;
    default: break;
  }
  return RtcpPacket{unknown_of(h)};
}

bool write_unknown(std::vector<std::uint8_t>& out, const UnknownRtcp& packet) {
  const std::size_t start = detail::begin_packet(out, packet.format, packet.packet_type);
  out.insert(out.end(), packet.body.begin(), packet.body.end());
  return detail::finish_packet(out, start, /*padding_bit=*/true);
}

struct Writer {
  std::vector<std::uint8_t>& out;
  bool operator()(const SenderReport& p) const { return detail::write_sender_report(out, p); }
  bool operator()(const ReceiverReport& p) const {
    return detail::write_receiver_report(out, p);
  }
  bool operator()(const Sdes& p) const { return detail::write_sdes(out, p); }
  bool operator()(const Bye& p) const { return detail::write_bye(out, p); }
  bool operator()(const Nack& p) const { return detail::write_nack(out, p); }
  bool operator()(const Pli& p) const { return detail::write_pli(out, p); }
  bool operator()(const Fir& p) const { return detail::write_fir(out, p); }
  bool operator()(const Remb& p) const { return detail::write_remb(out, p); }
  bool operator()(const TransportFeedback& p) const {
    return detail::write_transport_feedback(out, p);
  }
  bool operator()(const UnknownRtcp& p) const { return write_unknown(out, p); }
};

}  // namespace

std::optional<std::vector<RtcpPacket>> parse_rtcp(std::span<const std::uint8_t> packet) {
  RtcpRejectReason ignored = RtcpRejectReason::None;
  return parse_rtcp(packet, ignored);
}

std::optional<std::vector<RtcpPacket>> parse_rtcp(std::span<const std::uint8_t> packet,
                                                  RtcpRejectReason& reason) {
  reason = RtcpRejectReason::None;
  if (packet.empty()) {
    reason = RtcpRejectReason::Empty;
    return std::nullopt;
  }
  std::vector<RtcpPacket> out;
  RtcpCompoundReader reader(packet);
  while (const auto header = reader.next()) {
    auto parsed = parse_one(*header, reason);
    if (!parsed) return std::nullopt;
    out.push_back(std::move(*parsed));
  }
  reason = reader.error();
  if (reason != RtcpRejectReason::None) return std::nullopt;
  return out;
}

bool try_append_rtcp(std::vector<std::uint8_t>& out, const RtcpPacket& packet) {
  const std::size_t start = out.size();
  if (std::visit(Writer{out}, packet)) return true;
  out.resize(start);
  return false;
}

void append_rtcp(std::vector<std::uint8_t>& out, const RtcpPacket& packet) {
  (void)try_append_rtcp(out, packet);
}

std::vector<std::uint8_t> serialize_rtcp(std::span<const RtcpPacket> packets) {
  std::vector<std::uint8_t> out;
  for (const auto& packet : packets) {
    if (!try_append_rtcp(out, packet)) return {};
  }
  return out;
}

}  // namespace bailanys::rtc::rtcp
