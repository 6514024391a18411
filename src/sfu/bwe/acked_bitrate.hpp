// Throughput of acknowledged packets: the bytes the receiver got over a sliding window of its
// own arrival clock. This is what the link really delivered, the reference for the delay-based
// decrease (0.85 x acked) and for the cap on increases while the sender is application-limited.
// Time is injected, no I/O, never throws, memory bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe {

class AckedBitrate {
 public:
  // window_us: the averaging window; min_span_us: no rate until arrivals span this much.
  AckedBitrate(TimeUs window_us, TimeUs min_span_us);

  // One received packet, arrival on the receiver's clock. Any order; a jump of more than
  // 10 s either way (a new receiver clock) starts over.
  void on_packet(TimeUs arrival_us, std::size_t bytes);
  [[nodiscard]] std::optional<std::uint64_t> bps() const;
  void reset();

 private:
  struct Sample {
    TimeUs arrival_us;
    std::size_t bytes;
  };
  void evict();

  TimeUs window_us_;
  TimeUs min_span_us_;
  std::deque<Sample> samples_;  // arrival within (latest_ - window_us_, latest_]
  TimeUs latest_ = 0;
  TimeUs earliest_ = 0;  // first arrival since the last reset
  std::uint64_t bytes_ = 0;
  std::size_t limit_ = 16384;  // samples; bounded whatever the rate
};

}  // namespace bailanys::sfu::bwe
