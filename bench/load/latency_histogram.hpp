// Latency samples in microseconds, kept as a log-linear histogram (HDR-style: 64 sub-buckets per
// power of two, so any quantile is within 1.6 % of the true value) that merges across threads.
// Fixed size, no allocation per sample.
#pragma once

#include <array>
#include <cstdint>

namespace bailanys::load {

class LatencyHistogram {
 public:
  void add(std::int64_t micros);
  void merge(const LatencyHistogram& other);

  [[nodiscard]] std::uint64_t count() const { return count_; }
  // The value at quantile q in 0..1 (0 when empty), in microseconds.
  [[nodiscard]] std::int64_t quantile(double q) const;
  [[nodiscard]] std::int64_t max() const { return max_; }
  [[nodiscard]] double mean() const;

 private:
  static constexpr int kSubBits = 6;  // 64 sub-buckets
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kGroups = 40;  // up to 2^45 µs: far beyond any run
  static std::size_t index_of(std::uint64_t v);
  static std::uint64_t upper_value(std::size_t index);

  std::array<std::uint64_t, static_cast<std::size_t>(kSub) * kGroups> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace bailanys::load
