// The sender's half of transport-wide congestion control: what was sent under each
// transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), and
// the matching of TransportFeedback (§3.1) to it. Each feedback becomes a list of per-packet
// results: when it was sent, when it arrived on the receiver's clock (or that it was lost),
// its size and probe cluster. Time is injected, no I/O, never throws, memory bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe {

struct PacketResult {
  std::int64_t sequence = 0;  // unwrapped transport-wide sequence number
  TimeUs send_us = 0;         // our clock
  TimeUs arrival_us = 0;      // the receiver's clock (any origin); meaningless when lost
  std::size_t bytes = 0;
  int probe_cluster = -1;
  bool received = false;
};

struct SendHistoryStats {
  std::uint64_t sent = 0;
  std::uint64_t unknown = 0;     // feedback for a number not in the history (too old, never sent)
  std::uint64_t duplicates = 0;  // a status already reported, reported again
  std::uint64_t late = 0;        // reported lost before, received now
  std::uint64_t evicted_unacked = 0;  // left the history with no feedback at all
};

class SendHistory {
 public:
  // Kept for max_age_us after sending, at most max_packets (clamped to 64..16384 so the
  // history never spans half the 16-bit space and unwrapping stays exact).
  SendHistory(TimeUs max_age_us, std::size_t max_packets);

  void on_packet_sent(std::uint16_t sequence, std::size_t bytes, TimeUs now, int probe_cluster);

  // The results this feedback adds, in sequence order: each packet's first "received" and
  // first "lost" report (a packet lost then received late appears twice: once lost, once
  // received). Unknown and repeated statuses are counted and skipped.
  std::vector<PacketResult> on_feedback(const rtc::rtcp::TransportFeedback& feedback);

  [[nodiscard]] std::size_t size() const { return packets_.size(); }
  [[nodiscard]] const SendHistoryStats& stats() const { return stats_; }

 private:
  enum class Status : std::uint8_t { NoFeedback, Lost, Received };
  struct Entry {
    TimeUs send_us = 0;
    std::size_t bytes = 0;
    int probe_cluster = -1;
    Status status = Status::NoFeedback;
    bool sent = false;  // false for gaps (numbers skipped by the sender)
  };

  [[nodiscard]] std::int64_t unwrap(std::uint16_t sequence) const;
  void evict(TimeUs now);
  void pop_front();
  // The receiver's clock for this feedback's reference time, continuous across the 24-bit
  // wrap of reference_time_64ms.
  TimeUs reference_us(std::int32_t reference_time_64ms);

  TimeUs max_age_us_;
  std::size_t max_packets_;
  std::deque<Entry> packets_;  // from begin_ on, by unwrapped sequence number
  std::int64_t begin_ = 0;
  std::int64_t highest_ = -1;
  bool started_ = false;
  std::int64_t reference_unwrapped_ = 0;
  std::int32_t last_reference_ = 0;
  bool have_reference_ = false;
  SendHistoryStats stats_;
};

}  // namespace bailanys::sfu::bwe
