#include "sfu/bwe/acked_bitrate.hpp"

#include <algorithm>
#include <iterator>

namespace bailanys::sfu::bwe {

namespace {
constexpr TimeUs kClockJumpUs = 10'000'000;
}  // namespace

AckedBitrate::AckedBitrate(TimeUs window_us, TimeUs min_span_us)
    : window_us_(std::max<TimeUs>(window_us, 1000)),
      min_span_us_(std::clamp<TimeUs>(min_span_us, 1000, std::max<TimeUs>(window_us, 1000))) {}

void AckedBitrate::reset() {
  samples_.clear();
  bytes_ = 0;
}

void AckedBitrate::evict() {
  while (!samples_.empty() &&
         (samples_.size() > limit_ || samples_.front().arrival_us <= latest_ - window_us_)) {
    bytes_ -= samples_.front().bytes;
    samples_.pop_front();
  }
}

void AckedBitrate::on_packet(TimeUs arrival_us, std::size_t bytes) {
  if (!samples_.empty() && (arrival_us > latest_ + kClockJumpUs ||
                            arrival_us < latest_ - kClockJumpUs)) {
    reset();
  }
  if (samples_.empty()) {
    latest_ = arrival_us;
    earliest_ = arrival_us;
  }
  if (arrival_us <= latest_ - window_us_) return;  // already outside the window
  bytes = std::min<std::size_t>(bytes, 1U << 20);
  // Kept in arrival order so eviction from the front is exact; reordering is rare and short.
  auto it = samples_.end();
  while (it != samples_.begin() && std::prev(it)->arrival_us > arrival_us) --it;
  samples_.insert(it, Sample{arrival_us, bytes});
  bytes_ += bytes;
  latest_ = std::max(latest_, arrival_us);
  earliest_ = std::min(earliest_, arrival_us);
  evict();
}

std::optional<std::uint64_t> AckedBitrate::bps() const {
  if (samples_.size() < 2) return std::nullopt;
  const TimeUs span = latest_ - earliest_;
  if (span < min_span_us_) return std::nullopt;
  if (span >= window_us_) return bytes_ * 8 * 1'000'000 / static_cast<std::uint64_t>(window_us_);
  // Less history than a window: the first packet's bytes arrived before the span began.
  const std::uint64_t bytes = bytes_ - samples_.front().bytes;
  return bytes * 8 * 1'000'000 / static_cast<std::uint64_t>(span);
}

}  // namespace bailanys::sfu::bwe
