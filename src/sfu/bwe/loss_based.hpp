// Loss-based bound on the estimate (draft-ietf-rmcat-gcc-02 §6, in the classic form libwebrtc's
// SendSideBandwidthEstimation used): the loss fraction over recent feedback; above 10 % the
// bound drops in proportion to the loss, below 2 % it grows again, in between it holds. The
// window is long enough (>= min_packets) that 5 % random loss does not read as 10 %.
// Time is injected, no I/O, never throws, memory bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "sfu/bwe/send_history.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe {

struct LossBasedConfig {
  std::uint64_t min_bps = 30'000;
  std::uint64_t max_bps = 20'000'000;
  double high_loss = 0.10;    // above: decrease by half the loss fraction
  double low_loss = 0.02;     // below: increase
  double increase_per_second = 0.08;
  TimeUs window_us = 1'000'000;      // the loss fraction covers at least this much feedback
  std::size_t min_packets = 200;      // and at least this many packets (older feedback kept)
  TimeUs max_window_us = 5'000'000;   // but never older than this
  TimeUs decrease_interval_us = 300'000;  // + RTT between two decreases
};

class LossBased {
 public:
  explicit LossBased(const LossBasedConfig& config);

  // The statuses one feedback reported for the first time. Packets sent before the last
  // decrease are not counted: that loss has been answered already.
  void on_feedback(std::span<const PacketResult> results, TimeUs now);
  // Applies the rules against the current combined estimate; returns the new bound.
  // `acked_bps`: what got through lately; a decrease stops at 0.85 of it (loss at a full link
  // says the rate was too high, not that the link carries less than it just did).
  std::uint64_t update(std::uint64_t current_bps, TimeUs rtt_us, TimeUs now,
                       std::optional<std::uint64_t> acked_bps = std::nullopt);
  // A probe proved this rate: the bound is at least that.
  void raise_to(std::uint64_t bps);
  [[nodiscard]] double loss_fraction() const;
  [[nodiscard]] bool decreased_within(TimeUs window, TimeUs now) const {
    return decreased_once_ && now - last_decrease_ < window;
  }
  [[nodiscard]] std::uint64_t bound() const { return bound_bps_; }
  // Enough packets for the fraction to mean something (half of min_packets).
  [[nodiscard]] bool has_window() const { return total_ > 0 && total_ >= config_.min_packets / 2; }

 private:
  struct Report {
    TimeUs at;
    std::size_t received;
    std::size_t lost;
  };
  void evict(TimeUs now);

  LossBasedConfig config_;
  std::deque<Report> reports_;
  std::size_t total_ = 0;
  std::size_t lost_ = 0;
  std::uint64_t bound_bps_;
  TimeUs last_decrease_ = 0;
  bool decreased_once_ = false;
  TimeUs ignore_sent_before_ = 0;
  TimeUs last_update_ = 0;
  bool updated_once_ = false;
};

}  // namespace bailanys::sfu::bwe
