// Generic NACK (RFC 4585 §6.2.1) for one incoming RTP stream, as a browser's receiver does it:
// a gap in sequence numbers is asked for at once, asked again every retry interval, and given
// up after a while (the server keeps about 1 s of packets). Time is passed in.
#pragma once

#include "load_clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace bailanys::load {

struct NackCounters {
  std::uint64_t gaps_detected = 0;  // sequence numbers found missing
  std::uint64_t requested = 0;      // sequence numbers put in NACKs (retries included)
  std::uint64_t recovered = 0;      // missing ones that arrived later (retransmitted or late)
  std::uint64_t abandoned = 0;      // given up
  std::uint64_t duplicates = 0;
};

class NackTracker {
 public:
  enum class Arrival : std::uint8_t { New, Recovered, Duplicate, Old };

  // One received sequence number (the primary stream's: an RTX packet's OSN).
  Arrival on_packet(std::uint16_t sequence, TimeUs now);
  // The sequence numbers to NACK now (sorted by age). Appends to `out`; returns the number of
  // sequence numbers given up since the last call (a receiver would ask for a keyframe).
  std::size_t due(TimeUs now, std::vector<std::uint16_t>& out);

  [[nodiscard]] const NackCounters& counters() const { return counters_; }
  // The extended highest sequence number received (RFC 3550 A.1); nullopt before any packet.
  [[nodiscard]] std::optional<std::int64_t> highest() const {
    return started_ ? std::optional(highest_) : std::nullopt;
  }

  static constexpr TimeUs kRetryUs = 30'000;       // about one RTT plus the server's pacing
  static constexpr TimeUs kGiveUpUs = 1'000'000;   // the server's retransmission history
  static constexpr std::size_t kMaxMissing = 512;  // a bigger gap is a restart, not loss

 private:
  struct Missing {
    TimeUs detected = 0;
    TimeUs last_request = 0;  // 0: not asked yet
  };

  bool started_ = false;
  std::int64_t highest_ = 0;  // extended sequence number (RFC 3550 A.1)
  std::map<std::int64_t, Missing> missing_;
  NackCounters counters_;
};

}  // namespace bailanys::load
