// Internal to rtc/rtcp: per-type body parsers and writers behind parse_rtcp and
// try_append_rtcp, plus the helper that frames one packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "rtc/rtcp/rtcp_header.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::rtc::rtcp::detail {

// Writes a common header with a placeholder length; returns where the packet starts.
std::size_t begin_packet(std::vector<std::uint8_t>& out, std::uint8_t format,
                         std::uint8_t packet_type);
// Aligns the packet to 32 bits (with zeros, or with RFC 3550 padding when
// `padding_bit`) and fills in the length. False, with the packet removed, when it is
// too long for the 16-bit length field.
bool finish_packet(std::vector<std::uint8_t>& out, std::size_t start, bool padding_bit = false);

// Each parser reads the body of one packet whose type/format it handles.
std::optional<SenderReport> parse_sender_report(const RtcpHeaderView& h, RtcpRejectReason& why);
std::optional<ReceiverReport> parse_receiver_report(const RtcpHeaderView& h,
                                                    RtcpRejectReason& why);
std::optional<Sdes> parse_sdes(const RtcpHeaderView& h, RtcpRejectReason& why);
std::optional<Bye> parse_bye(const RtcpHeaderView& h, RtcpRejectReason& why);
std::optional<Nack> parse_nack(const RtcpHeaderView& h, RtcpRejectReason& why);
std::optional<Pli> parse_pli(const RtcpHeaderView& h, RtcpRejectReason& why);
std::optional<Fir> parse_fir(const RtcpHeaderView& h, RtcpRejectReason& why);
// nullopt with why == None when the AFB packet is not a REMB.
std::optional<Remb> parse_remb(const RtcpHeaderView& h, RtcpRejectReason& why);
std::optional<TransportFeedback> parse_transport_feedback(const RtcpHeaderView& h,
                                                          RtcpRejectReason& why);

// Each writer appends whole packets or returns false (the caller rolls back).
bool write_sender_report(std::vector<std::uint8_t>& out, const SenderReport& sr);
bool write_receiver_report(std::vector<std::uint8_t>& out, const ReceiverReport& rr);
bool write_sdes(std::vector<std::uint8_t>& out, const Sdes& sdes);
bool write_bye(std::vector<std::uint8_t>& out, const Bye& bye);
bool write_nack(std::vector<std::uint8_t>& out, const Nack& nack);
bool write_pli(std::vector<std::uint8_t>& out, const Pli& pli);
bool write_fir(std::vector<std::uint8_t>& out, const Fir& fir);
bool write_remb(std::vector<std::uint8_t>& out, const Remb& remb);
bool write_transport_feedback(std::vector<std::uint8_t>& out, const TransportFeedback& fb);

}  // namespace bailanys::rtc::rtcp::detail
