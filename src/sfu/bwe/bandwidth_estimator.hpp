// Send-side bandwidth estimation for one subscriber's downlink, in the manner of Google
// Congestion Control (draft-ietf-rmcat-gcc-02, libwebrtc's GoogCC): every packet we send
// carries a transport-wide sequence number; the browser answers with TransportFeedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01). The estimate is the smaller of a
// delay-based one (trendline + AIMD, raised at once by successful probes) and a loss-based
// bound. Pure engine: time is injected, no I/O, no threads, never throws, bounded memory.
// docs/BWE.md explains the algorithm and every parameter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "rtc/rtcp/rtcp_packets.hpp"
#include "sfu/bwe/acked_bitrate.hpp"
#include "sfu/bwe/delay_based.hpp"
#include "sfu/bwe/loss_based.hpp"
#include "sfu/bwe/probe_controller.hpp"
#include "sfu/bwe/send_history.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe {

struct BandwidthEstimatorConfig {
  std::uint64_t start_bps = 1'000'000;
  std::uint64_t min_bps = 30'000;
  std::uint64_t max_bps = 20'000'000;
  // Send history: what feedback can still be matched to.
  TimeUs history_age_us = 2'000'000;
  std::size_t history_packets = 8192;
  // Acknowledged throughput: window over the receiver's arrival clock, and the least span
  // before it is trusted.
  TimeUs acked_window_us = 500'000;
  TimeUs acked_min_span_us = 150'000;
  // Feedback stopped although we keep sending: after this long, scale the estimate down by
  // feedback_timeout_factor, once per feedback_timeout_us.
  TimeUs feedback_timeout_us = 1'000'000;
  double feedback_timeout_factor = 0.8;
  // The pieces' own tunables (their min/max/start are taken from the fields above).
  DelayBasedConfig delay{};
  LossBasedConfig loss{};
  ProbeConfig probe{};
};

struct BandwidthEstimate {
  std::uint64_t bps = 0;        // what the allocator may use, within [min_bps, max_bps]
  double loss_fraction = 0;     // over the loss window
  DelayState delay = DelayState::Normal;
  std::uint64_t acked_bps = 0;  // acknowledged throughput; 0 until measured
  std::uint64_t delay_based_bps = 0;
  std::uint64_t loss_based_bps = 0;
  TimeUs rtt_us = 0;            // last known (receiver report, else feedback)
  bool probing = false;         // a probe cluster is waiting for its result
};

struct BandwidthEstimatorStats {
  std::uint64_t feedbacks = 0;
  std::uint64_t probes = 0;
  std::uint64_t probes_succeeded = 0;
  std::uint64_t feedback_timeouts = 0;
};

class BandwidthEstimator {
 public:
  explicit BandwidthEstimator(const BandwidthEstimatorConfig& config = {});

  // Every packet sent on the transport with a transport-wide seq (media, retransmission,
  // padding). probe_cluster = -1 when not a probe.
  void on_packet_sent(std::uint16_t transport_seq, std::size_t bytes, TimeUs now,
                      int probe_cluster = -1);
  void on_feedback(const rtc::rtcp::TransportFeedback& feedback, TimeUs now);
  // From receiver reports (optional; without it the feedback's own round trip is used).
  void on_rtt(TimeUs rtt_us, TimeUs now);
  // Every ~50 ms: feedback timeout, probe timeouts.
  void on_timer(TimeUs now);
  [[nodiscard]] BandwidthEstimate estimate() const;
  // Call every timer tick with what the allocator would use if it could. Returns a cluster
  // to send now (padding at target_bps for duration_us, at least min_packets packets and
  // `bytes` in total, each passed to on_packet_sent with the cluster id) when wanted is above
  // the estimate and probing is allowed.
  std::optional<ProbeCluster> probe(TimeUs now, std::uint64_t wanted_bps);

  [[nodiscard]] const BandwidthEstimatorStats& stats() const { return stats_; }
  [[nodiscard]] const SendHistoryStats& history_stats() const { return history_.stats(); }

 private:
  // The estimate when the last probe went out, and when (see on_feedback).
  std::optional<std::pair<std::uint64_t, TimeUs>> probe_guard_;
  [[nodiscard]] std::uint64_t combined() const;
  // The highest estimate over the last acked_window_us (records the current one).
  std::uint64_t recent_max_estimate(TimeUs now);
  void apply_probe_outcome(const ProbeOutcome& outcome, TimeUs now);

  BandwidthEstimatorConfig config_;
  SendHistory history_;
  AckedBitrate acked_;
  AckedBitrate sent_;  // the same window over our send clock, probes left out
  DelayBasedBwe delay_;
  LossBased loss_;
  ProbeController prober_;
  ProbeResults probe_results_;
  std::deque<std::pair<TimeUs, std::uint64_t>> recent_estimates_;
  std::optional<TimeUs> rtt_from_reports_;
  std::optional<TimeUs> rtt_from_feedback_;
  // The first packet sent since the last useful feedback: feedback is due for it.
  std::optional<TimeUs> unanswered_since_;
  std::optional<TimeUs> last_timeout_cut_;
  BandwidthEstimatorStats stats_;
};

}  // namespace bailanys::sfu::bwe
