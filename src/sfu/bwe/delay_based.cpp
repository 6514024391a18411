#include "sfu/bwe/delay_based.hpp"

#include <algorithm>
#include <cmath>

namespace bailanys::sfu::bwe {

namespace {

constexpr TimeUs kMaxBurstUs = 100'000;      // a burst behind a queue ends after this
constexpr TimeUs kBurstArrivalUs = 5'000;    // packets arriving this close form a burst
constexpr TimeUs kClockOffsetUs = 3'000'000;  // arrival jumped against send: start over
constexpr int kReorderedReset = 3;
constexpr int kMaxDeltas = 60;                  // caps the trend's weight (§5.4 gain)
constexpr double kThresholdJumpMs = 15;         // outliers do not move the threshold
constexpr double kMinThresholdMs = 6;
constexpr double kMaxThresholdMs = 600;
constexpr TimeUs kMaxThresholdStepUs = 100'000;
constexpr double kUsPerMs = 1000;

}  // namespace

// --- InterArrival --------------------------------------------------------------------------

void InterArrival::reset() {
  current_.reset();
  previous_.reset();
  reordered_in_a_row_ = 0;
}

bool InterArrival::starts_new_group(TimeUs send_us, TimeUs arrival_us) const {
  const Group& g = *current_;
  // A burst: sent later but arrived right behind the group, delayed by a queue together.
  const TimeUs arrival_delta = arrival_us - g.last_arrival;
  const TimeUs send_delta = send_us - g.last_send;
  if (send_delta == 0) return false;
  if (arrival_delta - send_delta < 0 && arrival_delta <= kBurstArrivalUs &&
      arrival_us - g.first_arrival < kMaxBurstUs) {
    return false;
  }
  return send_us - g.first_send > group_us_;
}

std::optional<GroupDelta> InterArrival::on_packet(TimeUs send_us, TimeUs arrival_us) {
  if (!current_) {
    current_ = Group{send_us, send_us, arrival_us, arrival_us};
    return std::nullopt;
  }
  if (send_us < current_->first_send) return std::nullopt;  // reordered: ignored
  if (!starts_new_group(send_us, arrival_us)) {
    current_->last_send = std::max(current_->last_send, send_us);
    current_->last_arrival = std::max(current_->last_arrival, arrival_us);
    return std::nullopt;
  }
  std::optional<GroupDelta> out;
  if (previous_) {
    const GroupDelta d{current_->last_send - previous_->last_send,
                       current_->last_arrival - previous_->last_arrival};
    if (d.arrival_delta_us - d.send_delta_us >= kClockOffsetUs ||
        d.send_delta_us - d.arrival_delta_us >= kClockOffsetUs) {
      // The receiver's clock jumped or a huge gap: nothing comparable across it.
      reset();
      current_ = Group{send_us, send_us, arrival_us, arrival_us};
      return std::nullopt;
    }
    if (d.arrival_delta_us < 0) {
      if (++reordered_in_a_row_ >= kReorderedReset) reset();
      return std::nullopt;
    }
    reordered_in_a_row_ = 0;
    out = d;
  }
  previous_ = current_;
  current_ = Group{send_us, send_us, arrival_us, arrival_us};
  return out;
}

// --- TrendlineDetector -----------------------------------------------------------------------

TrendlineDetector::TrendlineDetector(const DelayBasedConfig& config)
    : config_(config), threshold_ms_(config.initial_threshold_ms) {
  config_.trendline_window = std::max<std::size_t>(config_.trendline_window, 2);
}

DelayState TrendlineDetector::update(const GroupDelta& delta, TimeUs arrival_us) {
  const double send_delta_ms = static_cast<double>(delta.send_delta_us) / kUsPerMs;
  const double arrival_delta_ms = static_cast<double>(delta.arrival_delta_us) / kUsPerMs;
  deltas_ = std::min(deltas_ + 1, 1000);
  if (!first_arrival_) first_arrival_ = arrival_us;
  accumulated_ms_ += arrival_delta_ms - send_delta_ms;
  smoothed_ms_ = config_.trendline_smoothing * smoothed_ms_ +
                 (1 - config_.trendline_smoothing) * accumulated_ms_;
  window_.push_back({static_cast<double>(arrival_us - *first_arrival_) / kUsPerMs, smoothed_ms_});
  if (window_.size() > config_.trendline_window) window_.pop_front();
  if (window_.size() == config_.trendline_window) {
    // Least-squares slope of delay against arrival time: the queue's growth rate.
    double mean_x = 0;
    double mean_y = 0;
    for (const Point& p : window_) {
      mean_x += p.x_ms;
      mean_y += p.y_ms;
    }
    mean_x /= static_cast<double>(window_.size());
    mean_y /= static_cast<double>(window_.size());
    double num = 0;
    double den = 0;
    for (const Point& p : window_) {
      num += (p.x_ms - mean_x) * (p.y_ms - mean_y);
      den += (p.x_ms - mean_x) * (p.x_ms - mean_x);
    }
    if (den > 0 && std::isfinite(num / den)) trend_ = num / den;
  }
  detect(send_delta_ms, arrival_us);
  return state_;
}

void TrendlineDetector::detect(double send_delta_ms, TimeUs arrival_us) {
  if (deltas_ < 2) return;
  const double modified = std::min(deltas_, kMaxDeltas) * trend_ * config_.threshold_gain;
  if (modified > threshold_ms_) {
    overusing_ms_ = overusing_ms_ < 0 ? send_delta_ms / 2 : overusing_ms_ + send_delta_ms;
    ++overuse_count_;
    // Overuse only when it lasts, shows in more than one delta, and is not shrinking.
    if (overusing_ms_ > static_cast<double>(config_.overuse_time_us) / kUsPerMs &&
        overuse_count_ > 1 && trend_ >= previous_trend_) {
      overusing_ms_ = 0;
      overuse_count_ = 0;
      state_ = DelayState::Overusing;
    }
  } else if (modified < -threshold_ms_) {
    overusing_ms_ = -1;
    overuse_count_ = 0;
    state_ = DelayState::Underusing;
  } else {
    overusing_ms_ = -1;
    overuse_count_ = 0;
    state_ = DelayState::Normal;
  }
  previous_trend_ = trend_;
  adapt_threshold(modified, arrival_us);
}

// §5.4: the threshold follows |modified trend| slowly upwards and faster downwards, so that
// it neither starves against competing TCP flows nor fires on every bit of jitter.
void TrendlineDetector::adapt_threshold(double modified, TimeUs arrival_us) {
  if (!last_threshold_update_) last_threshold_update_ = arrival_us;
  const double magnitude = std::abs(modified);
  if (magnitude > threshold_ms_ + kThresholdJumpMs) {
    last_threshold_update_ = arrival_us;
    return;
  }
  const double k = magnitude < threshold_ms_ ? config_.threshold_k_down : config_.threshold_k_up;
  const TimeUs step = std::clamp<TimeUs>(arrival_us - *last_threshold_update_, 0, kMaxThresholdStepUs);
  threshold_ms_ += k * (magnitude - threshold_ms_) * static_cast<double>(step) / kUsPerMs;
  threshold_ms_ = std::clamp(threshold_ms_, kMinThresholdMs, kMaxThresholdMs);
  last_threshold_update_ = arrival_us;
}

// --- LinkCapacity ----------------------------------------------------------------------------

void LinkCapacity::on_overuse(double acked_kbps) {
  constexpr double kAlpha = 0.05;
  estimate_kbps_ = estimate_kbps_ ? (1 - kAlpha) * *estimate_kbps_ + kAlpha * acked_kbps
                                  : acked_kbps;
  const double norm = std::max(*estimate_kbps_, 1.0);
  const double error = *estimate_kbps_ - acked_kbps;
  variance_ = std::clamp((1 - kAlpha) * variance_ + kAlpha * error * error / norm, 0.4, 2.5);
}

double LinkCapacity::deviation_kbps() const {
  return std::sqrt(variance_ * std::max(estimate_kbps(), 0.0));
}
double LinkCapacity::upper_kbps() const { return estimate_kbps() + 3 * deviation_kbps(); }
double LinkCapacity::lower_kbps() const {
  return std::max(0.0, estimate_kbps() - 3 * deviation_kbps());
}

// --- AimdRateControl -------------------------------------------------------------------------

AimdRateControl::AimdRateControl(const DelayBasedConfig& config)
    : config_(config), bps_(std::clamp(config.start_bps, config.min_bps, config.max_bps)) {}

std::uint64_t AimdRateControl::clamp(double bps) const {
  if (!(bps > static_cast<double>(config_.min_bps))) return config_.min_bps;  // NaN too
  if (bps >= static_cast<double>(config_.max_bps)) return config_.max_bps;
  return static_cast<std::uint64_t>(bps);
}

// Near the capacity, about one packet more per response time, so the queue the increase
// builds before it is noticed stays small (§5.5's additive increase). The response time is
// 2 x (RTT + 100 ms): the trendline needs that long to see a queue that grows slowly.
double AimdRateControl::additive_bps_per_second() const {
  constexpr double kFrameSeconds = 1.0 / 30;
  constexpr double kPacketBits = 1200.0 * 8;
  const double frame_bits = static_cast<double>(bps_) * kFrameSeconds;
  const double packets = std::max(1.0, std::ceil(frame_bits / kPacketBits));
  const double packet_bits = frame_bits / packets;
  const double response_s = 2 * static_cast<double>(std::max<TimeUs>(rtt_us_, 0) + 100'000) / 1e6;
  return std::max(4000.0, packet_bits / response_s);
}

bool AimdRateControl::time_to_reduce(TimeUs now, std::uint64_t acked_bps) const {
  const TimeUs interval = std::clamp<TimeUs>(rtt_us_, 10'000, 200'000);
  if (!changed_once_ || now - last_change_ >= interval) return true;
  return acked_bps < bps_ / 2;
}

void AimdRateControl::set_estimate(std::uint64_t bps, TimeUs now) {
  bps_ = clamp(static_cast<double>(bps));
  if (capacity_.known() && static_cast<double>(bps_) / 1000 > capacity_.upper_kbps()) {
    capacity_.reset();
  }
  last_change_ = now;
  changed_once_ = true;
}

void AimdRateControl::update(DelayState state, std::optional<std::uint64_t> acked_bps,
                             TimeUs now, std::uint64_t excess_bps) {
  if (acked_bps) last_acked_ = acked_bps;
  switch (state) {
    case DelayState::Normal:
      if (phase_ == Phase::Hold) phase_ = Phase::Increase;
      break;
    case DelayState::Overusing:
      phase_ = Phase::Decrease;
      break;
    case DelayState::Underusing:
      phase_ = Phase::Hold;  // the queue is draining: wait for it
      break;
  }
  const double dt_s =
      changed_once_ ? static_cast<double>(std::clamp<TimeUs>(now - last_change_, 0, 1'000'000)) / 1e6
                    : 0.0;
  const double current = static_cast<double>(bps_);
  switch (phase_) {
    case Phase::Hold:
      break;
    case Phase::Increase: {
      const double throughput = static_cast<double>(last_acked_.value_or(bps_));
      if (capacity_.known() && throughput / 1000 > capacity_.upper_kbps()) capacity_.reset();
      // Never far above what the sender really gets through: an application-limited sender
      // would otherwise grow an estimate nothing tested (probes do that instead).
      const double limit = 1.5 * throughput + 10'000;
      if (current < limit) {
        const double increase =
            capacity_.known()
                ? additive_bps_per_second() * dt_s
                : std::max(1000.0, current * (std::pow(1 + config_.increase_per_second, dt_s) - 1));
        bps_ = clamp(std::min(current + increase, limit));
      }
      last_change_ = now;
      changed_once_ = true;
      break;
    }
    case Phase::Decrease: {
      if (last_acked_) {
        const double throughput = static_cast<double>(*last_acked_);
        double decreased = config_.beta * throughput;
        if (decreased > current && capacity_.known()) {
          decreased = config_.beta * capacity_.estimate_kbps() * 1000;
        }
        // The sender's traffic beyond the estimate stays: leave room for it (at most half).
        decreased -= std::min(static_cast<double>(excess_bps), decreased / 2);
        if (decreased < current) bps_ = clamp(decreased);
        if (capacity_.known() && throughput / 1000 < capacity_.lower_kbps()) capacity_.reset();
        capacity_.on_overuse(throughput / 1000);
      } else {
        bps_ = clamp(current * config_.beta);  // no measurement yet
      }
      phase_ = Phase::Hold;  // until the queue has drained
      last_change_ = now;
      changed_once_ = true;
      break;
    }
  }
}

// --- DelayBasedBwe ---------------------------------------------------------------------------

namespace {
constexpr TimeUs kDrainHoldUs = 1'500'000;
constexpr double kDrainAckedRatio = 0.9;
}  // namespace

DelayBasedBwe::DelayBasedBwe(const DelayBasedConfig& config)
    : config_(config), inter_arrival_(config.group_us), detector_(config), aimd_(config) {}

void DelayBasedBwe::on_feedback(std::span<const PacketResult> received,
                                 std::optional<std::uint64_t> acked_bps, std::uint64_t excess_bps,
                                 TimeUs now) {
  for (const PacketResult& r : received) {
    if (!r.received) continue;
    if (auto delta = inter_arrival_.on_packet(r.send_us, r.arrival_us)) {
      detector_.update(*delta, r.arrival_us);
    }
  }
  if (detector_.state() == DelayState::Overusing) {
    if (acked_bps) {
      // Still overusing while sending well under the estimate a recent decrease set: the queue
      // built before that decrease is draining. Answering the same congestion again would cut
      // the estimate to whatever the (now application-limited) sender happens to send. A
      // sender that fills its estimate (acked near it) is not held back.
      const bool draining =
          decreased_once_ && now - last_decrease_ < kDrainHoldUs &&
          static_cast<double>(*acked_bps) < kDrainAckedRatio * static_cast<double>(aimd_.estimate());
      if (!draining && aimd_.time_to_reduce(now, *acked_bps)) {
        aimd_.update(DelayState::Overusing, acked_bps, now, excess_bps);
        last_decrease_ = now;
        decreased_once_ = true;
      }
    } else if (!halved_once_ || now - last_halving_ >= 200'000) {
      // Overuse before any throughput was measured: halve every 200 ms.
      aimd_.set_estimate(aimd_.estimate() / 2, now);
      last_halving_ = now;
      halved_once_ = true;
    }
    return;
  }
  aimd_.update(detector_.state(), acked_bps, now);
}

bool DelayBasedBwe::on_probe_result(std::uint64_t bps, TimeUs now) {
  if (detector_.state() == DelayState::Overusing || bps <= aimd_.estimate()) return false;
  aimd_.set_estimate(bps, now);
  return true;
}

void DelayBasedBwe::scale(double factor, TimeUs now) {
  aimd_.set_estimate(static_cast<std::uint64_t>(static_cast<double>(aimd_.estimate()) * factor),
                     now);
}

}  // namespace bailanys::sfu::bwe
