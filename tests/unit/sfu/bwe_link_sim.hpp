// A simulated downlink for the bandwidth estimator tests: a sender (paced video at what the
// estimate allows, 50 pps of audio, probe padding, NACK retransmissions) into a drop-tail
// queue draining at C bit/s with optional random loss; the receiver is the real TwccRecorder
// and its feedback goes through the real RTCP writer and parser back to the estimator.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"
#include "sfu/bwe/bandwidth_estimator.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe::sim {

constexpr TimeUs kMs = 1000;
constexpr TimeUs kSec = 1'000'000;

enum class VideoPolicy : std::uint8_t {
  OnTop,         // video at min(estimate, video_max), audio on top of it
  ShareEstimate, // what an allocator does: video gets estimate - audio, paused under 100 kbit/s
  AudioOnly,     // video paused whatever the estimate
};

struct LinkConfig {
  std::uint64_t capacity_bps = 300'000;
  double loss = 0;                     // random loss after the queue
  TimeUs one_way_us = 25'000;          // each direction
  TimeUs max_queue_us = 500'000;       // drop-tail limit, as queueing time at capacity
  TimeUs feedback_interval_us = 50'000;
  std::uint64_t video_max_bps = 2'500'000;
  std::uint64_t wanted_bps = 2'500'000;  // passed to probe()
  VideoPolicy video = VideoPolicy::OnTop;
  bool nack = false;                     // retransmit randomly lost video packets
  bool probing = true;
  std::uint16_t first_seq = 65'000;      // wraps early in every test
  std::uint32_t seed = 1;
};

struct Sample {
  TimeUs at;
  BandwidthEstimate estimate;
};

class LinkSim {
 public:
  LinkSim(const LinkConfig& link, const BandwidthEstimatorConfig& bwe)
      : link_(link), bwe_(bwe), rng_(link.seed), seq_(link.first_seq) {}

  void set_capacity(std::uint64_t bps) { link_.capacity_bps = bps; }
  void set_video(VideoPolicy policy) { link_.video = policy; }
  BandwidthEstimator& bwe() { return bwe_; }
  [[nodiscard]] const std::vector<Sample>& samples() const { return samples_; }
  [[nodiscard]] TimeUs now() const { return now_; }
  [[nodiscard]] std::uint64_t lost_in_queue() const { return queue_drops_; }
  [[nodiscard]] std::uint64_t retransmissions() const { return retransmissions_; }
  [[nodiscard]] std::uint64_t sent_bytes() const { return sent_bytes_; }
  [[nodiscard]] int probes() const { return probes_; }

  // Runs in 1 ms steps up to `until`.
  void run_until(TimeUs until) {
    while (now_ < until) step();
  }

  // First time at or after `from` when the estimate entered [lo, hi] and stayed there until
  // the end of the samples; nullopt if it never settled.
  [[nodiscard]] std::optional<TimeUs> settled_in(std::uint64_t lo, std::uint64_t hi,
                                                 TimeUs from) const {
    std::optional<TimeUs> since;
    for (const Sample& s : samples_) {
      if (s.at < from) continue;
      const bool inside = s.estimate.bps >= lo && s.estimate.bps <= hi;
      if (!inside) since.reset();
      if (inside && !since) since = s.at;
    }
    return since;
  }
  [[nodiscard]] std::optional<TimeUs> first_time(TimeUs from, bool (*pred)(std::uint64_t)) const {
    for (const Sample& s : samples_) {
      if (s.at >= from && pred(s.estimate.bps)) return s.at;
    }
    return std::nullopt;
  }
  [[nodiscard]] std::uint64_t min_between(TimeUs from, TimeUs to) const {
    std::uint64_t m = UINT64_MAX;
    for (const Sample& s : samples_) {
      if (s.at >= from && s.at <= to) m = std::min(m, s.estimate.bps);
    }
    return m;
  }
  [[nodiscard]] std::uint64_t max_between(TimeUs from, TimeUs to) const {
    std::uint64_t m = 0;
    for (const Sample& s : samples_) {
      if (s.at >= from && s.at <= to) m = std::max(m, s.estimate.bps);
    }
    return m;
  }

 private:
  static constexpr std::size_t kVideoBytes = 1200;
  static constexpr std::size_t kAudioBytes = 120;
  static constexpr TimeUs kAudioIntervalUs = 20'000;
  static constexpr std::uint64_t kAudioBps = kAudioBytes * 8 * 50;

  struct Pending {
    TimeUs at;
    std::size_t bytes;
    int cluster;
    bool video;
  };

  std::uint64_t video_rate() const {
    const std::uint64_t est = bwe_.estimate().bps;
    switch (link_.video) {
      case VideoPolicy::OnTop:
        return std::min(est, link_.video_max_bps);
      case VideoPolicy::ShareEstimate:
        if (est < 100'000) return 0;
        return std::min(est - kAudioBps, link_.video_max_bps);
      case VideoPolicy::AudioOnly:
        return 0;
    }
    return 0;
  }

  void send(std::size_t bytes, TimeUs at, int cluster, bool video) {
    const std::uint16_t seq = seq_++;
    bwe_.on_packet_sent(seq, bytes, at, cluster);
    sent_bytes_ += bytes;
    // Drop-tail queue draining at capacity.
    const double cap = static_cast<double>(std::max<std::uint64_t>(link_.capacity_bps, 1));
    const TimeUs backlog = std::max<TimeUs>(link_free_at_ - at, 0);
    const auto tx = static_cast<TimeUs>(static_cast<double>(bytes) * 8e6 / cap);
    if (backlog + tx > link_.max_queue_us) {
      ++queue_drops_;
      return;
    }
    link_free_at_ = std::max(link_free_at_, at) + tx;
    if (std::uniform_real_distribution<double>(0, 1)(rng_) < link_.loss) {
      if (link_.nack && video) {
        retransmit_.push_back(at + 2 * link_.one_way_us + 20 * kMs);  // NACK + RTX
      }
      return;
    }
    arrivals_.emplace(link_free_at_ + link_.one_way_us, seq);
  }

  void step() {
    const TimeUs end = now_ + kMs;
    // Sender: audio, paced video, probe padding and retransmissions in time order.
    for (;;) {
      const std::uint64_t rate = video_rate();
      if (rate == 0) {
        next_video_.reset();
      } else if (!next_video_) {
        next_video_ = now_;
      }
      TimeUs t = next_audio_;
      int which = 0;
      if (next_video_ && *next_video_ < t) {
        t = *next_video_;
        which = 1;
      }
      if (!padding_.empty() && padding_.front().at < t) {
        t = padding_.front().at;
        which = 2;
      }
      if (!retransmit_.empty() && retransmit_.front() < t) {
        t = retransmit_.front();
        which = 3;
      }
      if (t >= end) break;
      if (which == 0) {
        send(kAudioBytes, t, -1, false);
        next_audio_ += kAudioIntervalUs;
      } else if (which == 1) {
        send(kVideoBytes, t, -1, true);
        *next_video_ += static_cast<TimeUs>(kVideoBytes * 8 * 1'000'000 / rate);
      } else if (which == 2) {
        send(padding_.front().bytes, t, padding_.front().cluster, false);
        padding_.pop_front();
      } else {
        ++retransmissions_;
        send(kVideoBytes, t, -1, true);
        retransmit_.pop_front();
      }
    }
    now_ = end;
    // Receiver.
    while (!arrivals_.empty() && arrivals_.begin()->first <= now_) {
      recorder_.record(arrivals_.begin()->second, arrivals_.begin()->first);
      arrivals_.erase(arrivals_.begin());
    }
    if (now_ - last_feedback_ >= link_.feedback_interval_us) {
      last_feedback_ = now_;
      for (const auto& fb : recorder_.build_feedback(now_)) {
        const rtc::rtcp::RtcpPacket packet = fb;
        feedback_.emplace(now_ + link_.one_way_us, rtc::rtcp::serialize_rtcp({&packet, 1}));
      }
    }
    while (!feedback_.empty() && feedback_.begin()->first <= now_) {
      if (auto parsed = rtc::rtcp::parse_rtcp(feedback_.begin()->second)) {
        for (const auto& p : *parsed) {
          if (const auto* fb = std::get_if<rtc::rtcp::TransportFeedback>(&p)) {
            bwe_.on_feedback(*fb, now_);
          }
        }
      }
      feedback_.erase(feedback_.begin());
    }
    // Timer: every 50 ms, as Room::on_timer.
    if (now_ % (50 * kMs) == 0) {
      bwe_.on_timer(now_);
      if (now_ % kSec == 0) bwe_.on_rtt(2 * link_.one_way_us, now_);
      if (link_.probing) {
        if (auto cluster = bwe_.probe(now_, link_.wanted_bps)) schedule_probe(*cluster);
      }
      samples_.push_back({now_, bwe_.estimate()});
    }
  }

  void schedule_probe(const ProbeCluster& c) {
    ++probes_;
    const std::size_t n = std::max(c.min_packets, (c.bytes + kVideoBytes - 1) / kVideoBytes);
    const std::size_t size = std::max<std::size_t>(c.bytes / n, 30);
    const auto spacing = static_cast<TimeUs>(size * 8 * 1'000'000 / std::max<std::uint64_t>(c.target_bps, 1));
    for (std::size_t i = 0; i < n; ++i) {
      padding_.push_back({now_ + static_cast<TimeUs>(i) * spacing, size, c.id, false});
    }
  }

  LinkConfig link_;
  BandwidthEstimator bwe_;
  TwccRecorder recorder_;
  std::mt19937 rng_;
  std::uint16_t seq_;
  TimeUs now_ = 0;
  TimeUs next_audio_ = 0;
  std::optional<TimeUs> next_video_;
  std::deque<Pending> padding_;
  std::deque<TimeUs> retransmit_;
  TimeUs link_free_at_ = 0;
  std::multimap<TimeUs, std::uint16_t> arrivals_;
  std::multimap<TimeUs, std::vector<std::uint8_t>> feedback_;
  TimeUs last_feedback_ = 0;
  std::vector<Sample> samples_;
  std::uint64_t queue_drops_ = 0;
  std::uint64_t retransmissions_ = 0;
  std::uint64_t sent_bytes_ = 0;
  int probes_ = 0;
};

}  // namespace bailanys::sfu::bwe::sim
