// The sending half of one subscriber's receive transport (issue 5): numbers every packet for
// transport-wide congestion control feedback, feeds the subscriber's feedback to its bandwidth
// estimator, keeps the probe being sent, and measures RTT and loss from its receiver reports.
// Owned by the subscriber's Room::Participant; DownTracks point at it. Worker thread only.
#pragma once

#include "common/clock.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "sfu/bwe/bandwidth_estimator.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace bailanys::sfu {

struct SendSideStats {
  std::uint32_t rtt_ms = 0;     // 0 = not measured yet
  double loss_fraction = 0;     // from receiver reports (0..1), smoothed
  std::uint64_t packets = 0, bytes = 0, probe_bytes = 0;
};

class SendSide {
 public:
  explicit SendSide(const bwe::BandwidthEstimatorConfig& config = {});

  // The transport-cc extension id of the subscriber's session (0 = not negotiated: no numbering,
  // no estimate beyond the start value).
  void set_extension_id(std::uint8_t id) { extension_id_ = id; }
  [[nodiscard]] std::uint8_t extension_id() const { return extension_id_; }

  // Writes the next transport-wide sequence number into `packet` (an RTP packet about to be
  // protected; its extension must be there) and records the send. `probe_cluster` -1 = not a
  // probe.
  void on_send(std::span<std::uint8_t> packet, int probe_cluster, std::int64_t now_us);

  void on_feedback(const rtc::rtcp::TransportFeedback& feedback, std::int64_t now_us);
  // A sender report this transport just sent (for RTT: the receiver echoes its NTP time).
  void on_sender_report(const rtc::rtcp::SenderReport& report, TimeMs now);
  void on_report_block(const rtc::rtcp::ReportBlock& block, TimeMs now);
  void on_timer(std::int64_t now_us) { estimator_.on_timer(now_us); }

  // Probing: what the allocator would use; starts a cluster when the estimator wants one.
  // padding_due() is how many bytes of the running cluster to send by now.
  void want(std::uint64_t wanted_bps, std::int64_t now_us);
  [[nodiscard]] std::size_t padding_due(std::int64_t now_us) const;
  [[nodiscard]] int probe_cluster() const { return probe_ ? probe_->id : -1; }
  // Padding bytes per probe packet: 255 at most, less for a small cluster so that it still has
  // its minimum packet count without sending more than asked (a weak link's audio shares it).
  [[nodiscard]] std::uint8_t padding_per_packet() const { return probe_ ? probe_->padding : 255; }
  void on_padding_sent(std::size_t bytes);

  [[nodiscard]] bwe::BandwidthEstimate estimate() const { return estimator_.estimate(); }
  [[nodiscard]] const SendSideStats& stats() const { return stats_; }

 private:
  struct SentReport {
    std::uint32_t ntp_middle = 0;
    TimeMs at = 0;
  };
  struct RunningProbe {
    int id = 0;
    std::uint64_t target_bps = 0;
    std::int64_t started_us = 0;
    std::int64_t duration_us = 0;
    std::size_t bytes_total = 0;
    std::size_t bytes_sent = 0;
    std::uint8_t padding = 255;
  };

  bwe::BandwidthEstimator estimator_;
  std::uint8_t extension_id_ = 0;
  std::uint16_t next_sequence_ = 1;
  std::array<SentReport, 16> reports_{};
  std::size_t next_report_ = 0;
  std::optional<RunningProbe> probe_;
  SendSideStats stats_;
};

}  // namespace bailanys::sfu
