#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace bailanys::load {

// Group 0 holds 0..63 exactly; group g >= 1 holds [64 << (g-1), 64 << g) in 64 steps of 2^(g-1).
std::size_t LatencyHistogram::index_of(std::uint64_t v) {
  if (v < kSub) return static_cast<std::size_t>(v);
  const int group = static_cast<int>(std::bit_width(v)) - kSubBits;  // >= 1
  const int g = std::min(group, kGroups - 1);
  const std::uint64_t sub = std::min<std::uint64_t>((v >> (g - 1)) - kSub, kSub - 1);
  return static_cast<std::size_t>(g) * kSub + static_cast<std::size_t>(sub);
}

std::uint64_t LatencyHistogram::upper_value(std::size_t index) {
  const std::size_t g = index / kSub;
  const std::uint64_t sub = index % kSub;
  if (g == 0) return sub;
  return ((kSub + sub + 1) << (g - 1)) - 1;
}

void LatencyHistogram::add(std::int64_t micros) {
  const std::uint64_t v = micros < 0 ? 0 : static_cast<std::uint64_t>(micros);
  ++buckets_.at(index_of(v));
  ++count_;
  max_ = std::max<std::int64_t>(max_, static_cast<std::int64_t>(v));
  sum_ += static_cast<long double>(v);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

std::int64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return std::min<std::int64_t>(static_cast<std::int64_t>(upper_value(i)), max_);
    }
  }
  return max_;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

}  // namespace bailanys::load
