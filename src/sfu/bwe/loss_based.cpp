#include "sfu/bwe/loss_based.hpp"

#include <algorithm>
#include <cmath>

namespace bailanys::sfu::bwe {

namespace {
constexpr std::size_t kMaxReports = 4096;
}  // namespace

LossBased::LossBased(const LossBasedConfig& config)
    : config_(config), bound_bps_(config.max_bps) {}

void LossBased::evict(TimeUs now) {
  // Drop feedback older than the window while what remains still has min_packets; drop
  // anything older than max_window whatever it leaves.
  while (!reports_.empty()) {
    const Report& r = reports_.front();
    const std::size_t n = r.received + r.lost;
    const bool expired = now - r.at > config_.max_window_us || reports_.size() > kMaxReports;
    const bool spare = now - r.at > config_.window_us && total_ - n >= config_.min_packets;
    if (!expired && !spare) break;
    total_ -= n;
    lost_ -= r.lost;
    reports_.pop_front();
  }
}

void LossBased::on_feedback(std::span<const PacketResult> results, TimeUs now) {
  std::size_t received = 0;
  std::size_t lost = 0;
  for (const PacketResult& r : results) {
    if (decreased_once_ && r.send_us < ignore_sent_before_) continue;
    ++(r.received ? received : lost);
  }
  if (received + lost == 0) return;
  reports_.push_back({now, received, lost});
  total_ += received + lost;
  lost_ += lost;
  evict(now);
}

double LossBased::loss_fraction() const {
  if (total_ == 0) return 0;
  return static_cast<double>(lost_) / static_cast<double>(total_);
}

void LossBased::raise_to(std::uint64_t bps) {
  bound_bps_ = std::clamp(std::max(bound_bps_, bps), config_.min_bps, config_.max_bps);
}

namespace {
constexpr double kAckedFloor = 0.85;
}  // namespace

std::uint64_t LossBased::update(std::uint64_t current_bps, TimeUs rtt_us, TimeUs now,
                                std::optional<std::uint64_t> acked_bps) {
  evict(now);
  const double dt_s =
      updated_once_ ? static_cast<double>(std::clamp<TimeUs>(now - last_update_, 0, 1'000'000)) / 1e6
                    : 0.0;
  last_update_ = now;
  updated_once_ = true;
  // Too few packets say nothing (one lost of three is not 33 % loss).
  if (!has_window()) return bound_bps_;
  const double loss = loss_fraction();
  if (loss > config_.high_loss) {
    const TimeUs interval = config_.decrease_interval_us + std::clamp<TimeUs>(rtt_us, 0, 1'000'000);
    if (!decreased_once_ || now - last_decrease_ >= interval) {
      const double base = static_cast<double>(std::min(bound_bps_, current_bps));
      double decreased = base * (1 - 0.5 * loss);
      if (acked_bps) decreased = std::max(decreased, std::min(base, kAckedFloor * static_cast<double>(*acked_bps)));
      bound_bps_ = static_cast<std::uint64_t>(decreased);
      last_decrease_ = now;
      decreased_once_ = true;
      // Judge the next decrease on packets sent at the new rate only.
      ignore_sent_before_ = now;
      reports_.clear();
      total_ = 0;
      lost_ = 0;
    }
  } else if (loss < config_.low_loss && bound_bps_ < config_.max_bps) {
    // 8 %/s (at least 1 kbit/s per second); probes raise it faster (raise_to).
    const double base = static_cast<double>(bound_bps_);
    bound_bps_ = static_cast<std::uint64_t>(
        std::max(base + 1000.0 * dt_s, base * std::pow(1 + config_.increase_per_second, dt_s)));
  }
  bound_bps_ = std::clamp(bound_bps_, config_.min_bps, config_.max_bps);
  return bound_bps_;
}

}  // namespace bailanys::sfu::bwe
