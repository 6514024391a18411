#include "sfu/send_side.hpp"

#include "rtc/rtp/header_extensions.hpp"
#include "rtc/rtp/rtp_packet.hpp"

#include <algorithm>

namespace bailanys::sfu {

namespace {

// Loss from receiver reports is smoothed over a few reports (one per second or so per stream).
constexpr double kLossSmoothing = 0.3;
// A padding-only RTX packet as Room sends it: 255 bytes of padding, header and extensions.
constexpr std::size_t kPaddingPacketBytes = 283;
constexpr std::size_t kMinProbePacketBytes = 28 + 50;  // header and extensions + 50 of padding

}  // namespace

SendSide::SendSide(const bwe::BandwidthEstimatorConfig& config) : estimator_(config) {}

void SendSide::on_send(std::span<std::uint8_t> packet, int probe_cluster, std::int64_t now_us) {
  ++stats_.packets;
  stats_.bytes += packet.size();
  if (extension_id_ == 0) return;
  auto parsed = rtc::rtp::RtpPacket::parse(packet);
  if (!parsed) return;
  rtc::rtp::ExtensionIds ids;
  ids.transport_cc = extension_id_;
  const std::uint16_t sequence = next_sequence_;
  if (!rtc::rtp::write_transport_cc(*parsed, ids, sequence)) return;
  ++next_sequence_;
  estimator_.on_packet_sent(sequence, packet.size(), now_us, probe_cluster);
}

void SendSide::on_feedback(const rtc::rtcp::TransportFeedback& feedback, std::int64_t now_us) {
  estimator_.on_feedback(feedback, now_us);
}

void SendSide::on_sender_report(const rtc::rtcp::SenderReport& report, TimeMs now) {
  reports_.at(next_report_) = {static_cast<std::uint32_t>(report.ntp_time >> 16), now};
  next_report_ = (next_report_ + 1) % reports_.size();
}

void SendSide::on_report_block(const rtc::rtcp::ReportBlock& block, TimeMs now) {
  const double loss = block.fraction_lost / 256.0;
  stats_.loss_fraction = stats_.loss_fraction * (1 - kLossSmoothing) + loss * kLossSmoothing;
  if (block.last_sr == 0) return;
  const auto sent = std::find_if(reports_.begin(), reports_.end(), [&block](const SentReport& r) {
    return r.ntp_middle == block.last_sr && r.at != 0;
  });
  if (sent == reports_.end()) return;
  // RFC 3550 §6.4.1: RTT = now - LSR - DLSR, here with our own send time of that SR.
  const TimeMs delay_ms = static_cast<TimeMs>(block.delay_since_last_sr) * 1000 / 65536;
  const TimeMs rtt = now - sent->at - delay_ms;
  if (rtt < 0 || rtt > 10'000) return;
  stats_.rtt_ms = static_cast<std::uint32_t>(std::max<TimeMs>(rtt, 1));
  estimator_.on_rtt(rtt * 1000, now * 1000);
}

void SendSide::want(std::uint64_t wanted_bps, std::int64_t now_us) {
  if (probe_ && now_us - probe_->started_us < probe_->duration_us + 50'000) return;
  probe_.reset();
  if (extension_id_ == 0) return;
  const auto cluster = estimator_.probe(now_us, wanted_bps);
  if (!cluster || cluster->target_bps == 0) return;
  RunningProbe probe;
  probe.id = cluster->id;
  probe.target_bps = cluster->target_bps;
  probe.started_us = now_us;
  probe.duration_us = std::max<std::int64_t>(cluster->duration_us, 1);
  const std::size_t asked =
      cluster->bytes != 0 ? cluster->bytes
                          : static_cast<std::size_t>(cluster->target_bps *
                                                     static_cast<std::uint64_t>(probe.duration_us) /
                                                     8'000'000);
  const std::size_t packets = std::max<std::size_t>(cluster->min_packets, 1);
  const std::size_t per_packet =
      std::clamp<std::size_t>(asked / packets, kMinProbePacketBytes, kPaddingPacketBytes);
  probe.padding = static_cast<std::uint8_t>(per_packet - (kPaddingPacketBytes - 255));
  probe.bytes_total = std::max(asked, packets * per_packet);
  probe_ = probe;
}

std::size_t SendSide::padding_due(std::int64_t now_us) const {
  if (!probe_) return 0;
  const std::int64_t elapsed = std::clamp<std::int64_t>(now_us - probe_->started_us, 0, probe_->duration_us);
  // Paced over the cluster's duration (the caller calls this every few ms), at least one packet
  // at once.
  const auto by_now = std::max<std::size_t>(
      kMinProbePacketBytes,
      static_cast<std::size_t>(probe_->bytes_total * static_cast<std::uint64_t>(elapsed) /
                               static_cast<std::uint64_t>(probe_->duration_us)));
  const std::size_t capped = std::min(by_now, probe_->bytes_total);
  return capped > probe_->bytes_sent ? capped - probe_->bytes_sent : 0;
}

void SendSide::on_padding_sent(std::size_t bytes) {
  stats_.probe_bytes += bytes;
  if (probe_) probe_->bytes_sent += bytes;
}

}  // namespace bailanys::sfu
