// Sender and receiver reports, RFC 3550 §6.4.1 and §6.4.2.
#include <algorithm>

#include "common/bytes.hpp"
#include "rtc/rtcp/packet_codec.hpp"

namespace bailanys::rtc::rtcp::detail {
namespace {

constexpr std::size_t kReportBlockSize = 24;
constexpr std::size_t kMaxBlocksPerPacket = 31;  // the 5-bit RC field
constexpr std::int32_t kMaxLost = 0x7FFFFF;      // signed 24 bits
constexpr std::int32_t kMinLost = -0x800000;

ReportBlock read_block(ByteReader& in) {
  ReportBlock b;
  b.ssrc = in.u32();
  b.fraction_lost = in.u8();
  const std::uint32_t lost = in.u24();
  // Sign-extend the 24-bit cumulative loss (negative with duplicates, §6.4.1).
  b.cumulative_lost = static_cast<std::int32_t>(lost ^ 0x800000U) - 0x800000;
  b.highest_seq = in.u32();
  b.jitter = in.u32();
  b.last_sr = in.u32();
  b.delay_since_last_sr = in.u32();
  return b;
}

void write_block(ByteWriter& w, const ReportBlock& b) {
  w.u32(b.ssrc);
  w.u8(b.fraction_lost);
  const std::int32_t lost = std::clamp(b.cumulative_lost, kMinLost, kMaxLost);
  w.u24(static_cast<std::uint32_t>(lost) & 0xFFFFFF);
  w.u32(b.highest_seq);
  w.u32(b.jitter);
  w.u32(b.last_sr);
  w.u32(b.delay_since_last_sr);
}

std::vector<ReportBlock> read_blocks(ByteReader& in, std::size_t count) {
  std::vector<ReportBlock> blocks;
  blocks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) blocks.push_back(read_block(in));
  return blocks;
}

// Blocks past the first 31 go into extra RR packets from the same SSRC (§6.4.2 allows
// an RR to follow an SR for exactly this).
bool write_extra_blocks(std::vector<std::uint8_t>& out, std::uint32_t ssrc,
                        std::span<const ReportBlock> blocks) {
  while (!blocks.empty()) {
    const auto chunk = blocks.first(std::min(blocks.size(), kMaxBlocksPerPacket));
    ReceiverReport rr{ssrc, {chunk.begin(), chunk.end()}};
    if (!write_receiver_report(out, rr)) return false;
    blocks = blocks.subspan(chunk.size());
  }
  return true;
}

}  // namespace

std::optional<SenderReport> parse_sender_report(const RtcpHeaderView& h, RtcpRejectReason& why) {
  // Profile-specific extensions may follow the blocks (§6.4.1); they are ignored.
  if (h.body.size() < 24 + kReportBlockSize * h.format) {
    why = RtcpRejectReason::SenderReportTruncated;
    return std::nullopt;
  }
  ByteReader in(h.body);
  SenderReport sr;
  sr.ssrc = in.u32();
  sr.ntp_time = in.u64();
  sr.rtp_time = in.u32();
  sr.packet_count = in.u32();
  sr.octet_count = in.u32();
  sr.reports = read_blocks(in, h.format);
  return sr;
}

std::optional<ReceiverReport> parse_receiver_report(const RtcpHeaderView& h,
                                                    RtcpRejectReason& why) {
  if (h.body.size() < 4 + kReportBlockSize * h.format) {
    why = RtcpRejectReason::ReceiverReportTruncated;
    return std::nullopt;
  }
  ByteReader in(h.body);
  ReceiverReport rr;
  rr.ssrc = in.u32();
  rr.reports = read_blocks(in, h.format);
  return rr;
}

bool write_sender_report(std::vector<std::uint8_t>& out, const SenderReport& sr) {
  const std::size_t first = std::min(sr.reports.size(), kMaxBlocksPerPacket);
  const std::size_t start =
      begin_packet(out, static_cast<std::uint8_t>(first), kSenderReportType);
  ByteWriter w(out);
  w.u32(sr.ssrc);
  w.u64(sr.ntp_time);
  w.u32(sr.rtp_time);
  w.u32(sr.packet_count);
  w.u32(sr.octet_count);
  for (std::size_t i = 0; i < first; ++i) write_block(w, sr.reports[i]);
  return finish_packet(out, start) &&
         write_extra_blocks(out, sr.ssrc, std::span(sr.reports).subspan(first));
}

bool write_receiver_report(std::vector<std::uint8_t>& out, const ReceiverReport& rr) {
  const std::size_t first = std::min(rr.reports.size(), kMaxBlocksPerPacket);
  const std::size_t start =
      begin_packet(out, static_cast<std::uint8_t>(first), kReceiverReportType);
  ByteWriter w(out);
  w.u32(rr.ssrc);
  for (std::size_t i = 0; i < first; ++i) write_block(w, rr.reports[i]);
  return finish_packet(out, start) &&
         write_extra_blocks(out, rr.ssrc, std::span(rr.reports).subspan(first));
}

}  // namespace bailanys::rtc::rtcp::detail
