// Delay-based bandwidth estimation, draft-ietf-rmcat-gcc-02 §5 in the shape libwebrtc's GoogCC
// gives it: packets grouped into send-time bursts (inter-arrival), a trendline filter of the
// one-way delay gradient between groups, an adaptive-threshold detector (normal / overusing /
// underusing) and AIMD rate control. Time is injected, no I/O, never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "sfu/bwe/send_history.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe {

enum class DelayState : std::uint8_t { Normal, Overusing, Underusing };

struct DelayBasedConfig {
  std::uint64_t start_bps = 1'000'000;
  std::uint64_t min_bps = 30'000;
  std::uint64_t max_bps = 20'000'000;
  TimeUs group_us = 5'000;  // send-time burst that forms one group (§5.2)
  std::size_t trendline_window = 20;
  double trendline_smoothing = 0.9;
  double threshold_gain = 4.0;
  double initial_threshold_ms = 12.5;
  double threshold_k_up = 0.0087;
  double threshold_k_down = 0.039;
  TimeUs overuse_time_us = 10'000;
  double beta = 0.85;                   // decrease to beta x acked throughput
  double increase_per_second = 0.08;    // multiplicative increase far from the last congestion
};

struct GroupDelta {
  TimeUs send_delta_us = 0;
  TimeUs arrival_delta_us = 0;
};

// Groups packets sent within group_us (or arriving in one burst behind a queue) and returns
// the send and arrival time differences between the last packets of consecutive groups.
class InterArrival {
 public:
  explicit InterArrival(TimeUs group_us) : group_us_(group_us) {}
  // Packets in arrival order. Returns a delta when this packet closed a group.
  std::optional<GroupDelta> on_packet(TimeUs send_us, TimeUs arrival_us);
  void reset();

 private:
  struct Group {
    TimeUs first_send = 0;
    TimeUs last_send = 0;
    TimeUs first_arrival = 0;
    TimeUs last_arrival = 0;
  };
  [[nodiscard]] bool starts_new_group(TimeUs send_us, TimeUs arrival_us) const;

  TimeUs group_us_;
  std::optional<Group> current_;
  std::optional<Group> previous_;
  int reordered_in_a_row_ = 0;
};

// Trendline of the accumulated, smoothed one-way delay variation over the last groups, and
// the adaptive threshold it is compared against (§5.4).
class TrendlineDetector {
 public:
  explicit TrendlineDetector(const DelayBasedConfig& config);
  DelayState update(const GroupDelta& delta, TimeUs arrival_us);
  [[nodiscard]] DelayState state() const { return state_; }
  [[nodiscard]] double threshold_ms() const { return threshold_ms_; }
  [[nodiscard]] double trend() const { return trend_; }

 private:
  struct Point {
    double x_ms;
    double y_ms;
  };
  void detect(double send_delta_ms, TimeUs arrival_us);
  void adapt_threshold(double modified_trend, TimeUs arrival_us);

  DelayBasedConfig config_;
  std::deque<Point> window_;
  std::optional<TimeUs> first_arrival_;
  double accumulated_ms_ = 0;
  double smoothed_ms_ = 0;
  double trend_ = 0;
  double previous_trend_ = 0;
  int deltas_ = 0;
  double threshold_ms_;
  std::optional<TimeUs> last_threshold_update_;
  double overusing_ms_ = -1;
  int overuse_count_ = 0;
  DelayState state_ = DelayState::Normal;
};

// The capacity measured at the last congestion events (EMA with variance), which decides
// between multiplicative and additive increase.
class LinkCapacity {
 public:
  void on_overuse(double acked_kbps);
  void reset() { estimate_kbps_.reset(); }
  [[nodiscard]] bool known() const { return estimate_kbps_.has_value(); }
  [[nodiscard]] double estimate_kbps() const { return estimate_kbps_.value_or(0); }
  [[nodiscard]] double upper_kbps() const;
  [[nodiscard]] double lower_kbps() const;

 private:
  [[nodiscard]] double deviation_kbps() const;
  std::optional<double> estimate_kbps_;
  double variance_ = 0.4;
};

class AimdRateControl {
 public:
  explicit AimdRateControl(const DelayBasedConfig& config);
  // Applies one detector state; acked = measured throughput (nullopt before any); excess =
  // what the sender sends beyond the estimate, taken off a decrease.
  void update(DelayState state, std::optional<std::uint64_t> acked_bps, TimeUs now,
              std::uint64_t excess_bps = 0);
  // A probe's or a caller's absolute value; resets the capacity memory when above it.
  void set_estimate(std::uint64_t bps, TimeUs now);
  void set_rtt(TimeUs rtt_us) { rtt_us_ = rtt_us; }
  // While overusing: not faster than once per RTT (10..200 ms) unless the estimate is over
  // twice the throughput.
  [[nodiscard]] bool time_to_reduce(TimeUs now, std::uint64_t acked_bps) const;
  [[nodiscard]] std::uint64_t estimate() const { return bps_; }
  [[nodiscard]] const LinkCapacity& capacity() const { return capacity_; }

 private:
  enum class Phase : std::uint8_t { Hold, Increase, Decrease };
  [[nodiscard]] double additive_bps_per_second() const;
  [[nodiscard]] std::uint64_t clamp(double bps) const;

  DelayBasedConfig config_;
  std::uint64_t bps_;
  Phase phase_ = Phase::Increase;
  LinkCapacity capacity_;
  std::optional<std::uint64_t> last_acked_;
  TimeUs last_change_ = 0;
  bool changed_once_ = false;
  TimeUs rtt_us_ = 200'000;
};

class DelayBasedBwe {
 public:
  explicit DelayBasedBwe(const DelayBasedConfig& config);
  // The received results of one feedback, sorted by arrival; acked = current throughput;
  // excess = what the sender sends beyond the estimate.
  void on_feedback(std::span<const PacketResult> received, std::optional<std::uint64_t> acked_bps,
                   std::uint64_t excess_bps, TimeUs now);
  // A probe succeeded: jump to bps unless overusing now. Returns whether it was applied.
  bool on_probe_result(std::uint64_t bps, TimeUs now);
  void set_rtt(TimeUs rtt_us) { aimd_.set_rtt(rtt_us); }
  // The feedback stopped: scale the estimate (hold when factor is 1).
  void scale(double factor, TimeUs now);
  [[nodiscard]] std::uint64_t estimate() const { return aimd_.estimate(); }
  [[nodiscard]] DelayState state() const { return detector_.state(); }
  [[nodiscard]] const TrendlineDetector& detector() const { return detector_; }
  [[nodiscard]] const AimdRateControl& rate_control() const { return aimd_; }

  // A decrease happened within `window` before `now`.
  [[nodiscard]] bool decreased_within(TimeUs window, TimeUs now) const {
    return decreased_once_ && now - last_decrease_ < window;
  }

 private:
  DelayBasedConfig config_;
  InterArrival inter_arrival_;
  TrendlineDetector detector_;
  AimdRateControl aimd_;
  TimeUs last_halving_ = 0;
  bool halved_once_ = false;
  bool decreased_once_ = false;
  TimeUs last_decrease_ = 0;
};

}  // namespace bailanys::sfu::bwe
