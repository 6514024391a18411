// A synthetic subscriber's receive side: maps the SSRCs of the server's offer to tracks, undoes
// RTX (RFC 4588: the original sequence number leads the payload), NACKs gaps (nack_tracker.hpp),
// asks for a keyframe when a loss is given up, and reads the probe block of every payload to
// measure per publisher stream: which packets arrived (for the delivered ratio), one-way
// latency of first transmissions, freezes (video gaps over 500 ms) and the first keyframe.
// Sends receiver reports (RFC 3550 §6.4.2) that echo the server's sender reports: Janus keeps no
// packets for retransmission until such a report has given it a round-trip time (README).
#pragma once

#include "client_sdp.hpp"
#include "client_transport.hpp"
#include "latency_histogram.hpp"
#include "layer_switch.hpp"
#include "load_clock.hpp"
#include "nack_tracker.hpp"
#include "run_window.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

#include "rtc/rtp/header_extensions.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::load {

inline constexpr TimeUs kFreezeGapUs = 500'000;
inline constexpr TimeUs kReportIntervalUs = 1'000'000;  // a browser's, for video
// The delay since the last SR is reported this much short, so the server computes a round trip
// 1 ms longer: Janus truncates it to whole milliseconds and sizes its retransmission history
// only when that value changes from its initial 0, so a sub-millisecond loopback round trip
// would leave it keeping no packets at all (README, "Against Janus").
inline constexpr TimeUs kDlsrShortfallUs = 1'000;

// What one subscriber got of one publisher stream (a simulcast camera is one stream here, its
// layers kept apart by the probe's layer bits).
struct ReceivedStream {
  static constexpr std::size_t kLayers = 4;  // the probe's 2 layer bits
  std::uint32_t stream_id = 0;               // the track's id (layer bits 0)
  bool video = false;
  std::array<std::vector<std::uint64_t>, kLayers> seen;  // per layer, a bit per probe number
  std::uint64_t packets = 0;        // unique packets
  std::uint64_t retransmissions = 0;  // recovered (RTX or a late original)
  TimeUs first_packet = 0, first_keyframe = 0;
  // Where the stream started here (video: its first keyframe, of any layer; audio: its first
  // packet): that packet's probe number (within its layer) and send time.
  std::int64_t start_number = -1;
  TimeUs start_sent = 0;
  TimeUs first_in_window = 0, last_in_window = 0;  // receive times of in-window packets
  std::uint64_t freezes = 0;  // between in-window packets; the edges are the tally's (tally.cpp)
  TimeUs longest_gap = 0;
  bool started = false;  // counted in started_streams (video: a keyframe of the awaited layer)

  [[nodiscard]] bool has(std::uint32_t number, int layer = 0) const {
    const auto& bits = seen[static_cast<std::size_t>(layer) % kLayers];
    const std::size_t word = number / 64;
    return word < bits.size() && ((bits[word] >> (number % 64)) & 1U) != 0;
  }
  // Unique packets of layer 0 with probe numbers in [first, last].
  [[nodiscard]] std::uint64_t count_between(std::int64_t first, std::int64_t last) const;
};

struct SinkCounters {
  std::uint64_t rtp = 0;
  std::uint64_t unknown_ssrc = 0;
  std::uint64_t no_probe = 0;  // payload without our block (someone else's stream?)
  std::uint64_t foreign = 0;   // a probe of another load run
  std::uint64_t nack_packets = 0;
  std::uint64_t plis = 0;
  std::uint64_t feedbacks = 0;  // transport-wide feedback packets sent
  std::uint64_t reports = 0;    // receiver reports sent
};

class MediaSink {
 public:
  MediaSink(const RunWindow& window, std::uint16_t run_id, std::uint32_t seed);

  // A video stream counts as started (warm-up) at a keyframe of this layer: the top one when
  // the subscriber asks for it with simulcast, 0 otherwise.
  void set_awaited_layer(int layer) { awaited_layer_ = layer; }
  // Layer switches are measured (layer_switch.hpp) when set; not owned.
  void set_layer_switches(LayerSwitches* switches) { switches_ = switches; }

  // Each subscribe offer: the tracks it sends now (old SSRCs stay known).
  void update_layout(const ReceiveLayout& layout);
  void on_rtp(rtc::rtp::RtpPacket& packet, TimeUs now);
  // The server's RTCP on the receive transport: its sender reports, echoed in our receiver reports.
  void on_rtcp(std::span<const std::uint8_t> compound, TimeUs now);
  // NACKs, PLIs and receiver reports that are due.
  void on_tick(ClientTransport& transport, TimeUs now);

  // By track stream id (stream_track()).
  [[nodiscard]] const std::unordered_map<std::uint32_t, ReceivedStream>& streams() const {
    return streams_;
  }
  [[nodiscard]] const LatencyHistogram& latency() const { return latency_; }
  [[nodiscard]] const SinkCounters& counters() const { return counters_; }
  [[nodiscard]] NackCounters nack_counters() const;
  [[nodiscard]] TimeUs first_rtp() const { return first_rtp_; }
  [[nodiscard]] TimeUs first_keyframe() const { return first_keyframe_; }
  // Streams started: video ones with a keyframe, audio ones with a packet.
  [[nodiscard]] int started_streams() const { return started_streams_; }

 private:
  struct Track {
    bool video = false;
    NackTracker nack;
    bool pli_due = false;
    std::uint32_t last_sr = 0;  // middle 32 bits of the NTP time of the server's last SR
    TimeUs last_sr_at = 0;
    std::int64_t reported_highest = -1;  // at the previous receiver report
    std::uint64_t reported_abandoned = 0;
  };

  void send_reports(ClientTransport& transport, TimeUs now);

  void on_media(Track& track, const rtc::rtp::RtpPacket& packet,
                std::span<const std::uint8_t> payload, bool retransmission, TimeUs now);

  const RunWindow& window_;
  std::uint16_t run_id_;
  std::unordered_map<std::uint32_t, Track> tracks_;           // by primary SSRC
  std::unordered_map<std::uint32_t, std::uint32_t> rtx_to_primary_;
  std::map<std::uint8_t, std::uint8_t> rtx_apt_;
  std::unordered_map<std::uint32_t, ReceivedStream> streams_;  // by stream id
  LatencyHistogram latency_;
  SinkCounters counters_;
  std::uint32_t own_ssrc_;
  // Transport-wide congestion control feedback, as a browser sends it (every 50 ms), so the
  // server's bandwidth estimator sees the same feedback it gets from real subscribers.
  rtc::rtp::ExtensionIds transport_ids_;
  sfu::bwe::TwccRecorder twcc_;
  TimeUs first_rtp_ = 0, first_keyframe_ = 0;
  int started_streams_ = 0;
  int awaited_layer_ = 0;
  LayerSwitches* switches_ = nullptr;
  std::vector<std::uint16_t> due_;
  TimeUs next_reports_ = 0;
};

}  // namespace bailanys::load
