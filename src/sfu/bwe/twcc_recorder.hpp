// What a receiver tells a sender about one transport so the sender's congestion controller
// (GoogCC in browsers) can adapt: transport-wide congestion control feedback,
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1. Records the arrival time of every
// packet by its transport-wide sequence number (§2) and turns what arrived since the last
// feedback into rtcp::TransportFeedback packets. Time is injected, no I/O, never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::sfu::bwe {

// Microseconds on the receiver's monotonic clock. Any origin: only differences and the
// 64 ms reference time (taken modulo 2^24 on the wire) are sent.
using TimeUs = std::int64_t;

struct TwccRecorderConfig {
  std::uint32_t sender_ssrc = 0;  // ours, in every feedback
  std::uint32_t media_ssrc = 0;   // the publisher's (browsers ignore it for transport-cc)
  // History kept after it was reported, so a late packet can still be reported received.
  TimeUs max_age_us = 500'000;
  // Hard bound on the history (sequence numbers, received or not); clamped to 16..16384.
  std::size_t max_packets = 4096;
  // Largest serialized feedback (RTCP header included); clamped to at least 64. Keeps each
  // feedback in one datagram with room for SRTCP, IP and UDP overhead.
  std::size_t max_feedback_bytes = 1200;
  // feedback_due(): the regular interval, or sooner once this many packets arrived.
  TimeUs feedback_interval_us = 50'000;
  std::size_t early_feedback_packets = 256;
};

struct TwccRecorderStats {
  std::uint64_t recorded = 0;    // packets whose arrival was stored
  std::uint64_t duplicates = 0;  // a sequence number seen before: first arrival kept
  std::uint64_t late = 0;        // arrived after being reported not received (reported again)
  std::uint64_t too_old = 0;     // before the history: dropped
  std::uint64_t unreported = 0;  // received but pushed out of the history before a feedback
  std::uint64_t resyncs = 0;     // the sender's numbering jumped: history started afresh
  std::uint64_t feedbacks = 0;   // TransportFeedback packets built
};

class TwccRecorder {
 public:
  explicit TwccRecorder(const TwccRecorderConfig& config = {});

  // One packet that carried transport-wide sequence number `sequence`, arrived at
  // `arrival_us` (use the same clock for `now_us` below). Any order; duplicates are ignored.
  void record(std::uint16_t sequence, TimeUs arrival_us);

  // True when there is something to report and either the interval has passed since the
  // last feedback or early_feedback_packets arrived since.
  [[nodiscard]] bool feedback_due(TimeUs now_us) const;

  // Feedback for every sequence number from the last one reported (or an earlier one that
  // has just arrived late) up to the highest received, in order: usually one packet, more
  // when it would exceed max_feedback_bytes or a receive delta does not fit 16 bits
  // (8.19 s). Each carries the next 8-bit feedback count. Empty when nothing arrived.
  std::vector<rtc::rtcp::TransportFeedback> build_feedback(TimeUs now_us);

  void set_media_ssrc(std::uint32_t ssrc) { config_.media_ssrc = ssrc; }
  // Sequence numbers held in the history now (received or not).
  [[nodiscard]] std::size_t history_size() const { return arrivals_.size(); }
  [[nodiscard]] const TwccRecorderStats& stats() const { return stats_; }

 private:
  static constexpr TimeUs kNotReceived = std::numeric_limits<TimeUs>::min();

  std::int64_t unwrap(std::uint16_t sequence) const;
  void start_over(std::int64_t seq);
  void append_up_to(std::int64_t seq);
  void drop_front(std::size_t count);
  void drop_reported(TimeUs now_us);
  [[nodiscard]] TimeUs arrival(std::int64_t seq) const;
  // The feedback from `from` on, stopped before `end`, before a receive delta that does not
  // fit, or at the status count limit. Not yet trimmed to the size limit.
  rtc::rtcp::TransportFeedback next_feedback(std::int64_t from, std::int64_t end) const;
  void trim_to_size(rtc::rtcp::TransportFeedback& fb) const;

  TwccRecorderConfig config_;
  // Arrival per sequence number from begin_ on (kNotReceived for gaps). Unwrapped 64-bit
  // sequence numbers; highest_ is the highest seen, next_report_ the first not yet reported.
  std::deque<TimeUs> arrivals_;
  std::int64_t begin_ = 0;
  std::int64_t highest_ = -1;
  std::int64_t next_report_ = 0;
  bool started_ = false;
  std::uint32_t stale_in_a_row_ = 0;
  std::uint8_t feedback_count_ = 0;
  std::int32_t last_reference_ = 0;
  std::size_t received_since_feedback_ = 0;
  TimeUs last_feedback_us_ = 0;
  bool feedback_clock_started_ = false;
  TwccRecorderStats stats_;
};

}  // namespace bailanys::sfu::bwe
