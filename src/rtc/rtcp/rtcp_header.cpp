#include "rtc/rtcp/rtcp_header.hpp"

#include "common/bytes.hpp"

namespace bailanys::rtc::rtcp {

std::string_view to_string(RtcpRejectReason reason) {
  switch (reason) {
    case RtcpRejectReason::None: return "none";
    case RtcpRejectReason::Empty: return "rtcp_empty";
    case RtcpRejectReason::TruncatedHeader: return "rtcp_truncated_header";
    case RtcpRejectReason::BadVersion: return "rtcp_bad_version";
    case RtcpRejectReason::LengthOverrun: return "rtcp_length_overrun";
    case RtcpRejectReason::BadPadding: return "rtcp_bad_padding";
    case RtcpRejectReason::SenderReportTruncated: return "rtcp_sr_truncated";
    case RtcpRejectReason::ReceiverReportTruncated: return "rtcp_rr_truncated";
    case RtcpRejectReason::SdesTruncated: return "rtcp_sdes_truncated";
    case RtcpRejectReason::ByeTruncated: return "rtcp_bye_truncated";
    case RtcpRejectReason::FeedbackTruncated: return "rtcp_feedback_truncated";
    case RtcpRejectReason::NackBadLength: return "rtcp_nack_bad_length";
    case RtcpRejectReason::FirBadLength: return "rtcp_fir_bad_length";
    case RtcpRejectReason::RembTruncated: return "rtcp_remb_truncated";
    case RtcpRejectReason::RembBitrateOverflow: return "rtcp_remb_bitrate_overflow";
    case RtcpRejectReason::TransportCcTruncated: return "rtcp_twcc_truncated";
    case RtcpRejectReason::TransportCcEmpty: return "rtcp_twcc_empty";
    case RtcpRejectReason::TransportCcReservedSymbol: return "rtcp_twcc_reserved_symbol";
  }
  return "unknown";
}

std::optional<RtcpHeaderView> RtcpCompoundReader::next() {
  if (error_ != RtcpRejectReason::None || pos_ == data_.size()) return std::nullopt;
  const auto fail = [this](RtcpRejectReason why) {
    error_ = why;
    return std::nullopt;
  };
  const auto rest = data_.subspan(pos_);
  if (rest.size() < 4) return fail(RtcpRejectReason::TruncatedHeader);
  if ((rest[0] >> 6) != 2) return fail(RtcpRejectReason::BadVersion);
  // §6.4.1: length in 32-bit words minus one, header and padding included.
  const std::size_t size = (std::size_t{load_be16(&rest[2])} + 1) * 4;
  if (size > rest.size()) return fail(RtcpRejectReason::LengthOverrun);

  std::size_t body_size = size - 4;
  if ((rest[0] & 0x20) != 0) {  // P bit: the last octet counts the padding, itself included
    const std::size_t padding = rest[size - 1];
    if (padding == 0 || padding > body_size) return fail(RtcpRejectReason::BadPadding);
    body_size -= padding;
  }
  RtcpHeaderView view;
  view.packet_type = rest[1];
  view.format = rest[0] & 0x1F;
  view.offset = pos_;
  view.size = size;
  view.body = rest.subspan(4, body_size);
  if (view.body.size() >= 4) view.sender_ssrc = load_be32(view.body.data());
  const bool feedback = view.packet_type == kTransportFeedbackType ||
                        view.packet_type == kPayloadFeedbackType;
  if (feedback && view.body.size() >= 8) view.media_ssrc = load_be32(&view.body[4]);
  pos_ += size;
  return view;
}

bool is_valid_rtcp_framing(std::span<const std::uint8_t> compound, RtcpRejectReason* reason) {
  RtcpRejectReason why = compound.empty() ? RtcpRejectReason::Empty : RtcpRejectReason::None;
  if (why == RtcpRejectReason::None) {
    RtcpCompoundReader reader(compound);
    while (reader.next()) {
    }
    why = reader.error();
  }
  if (reason != nullptr) *reason = why;
  return why == RtcpRejectReason::None;
}

}  // namespace bailanys::rtc::rtcp
