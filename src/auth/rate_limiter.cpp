#include "auth/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace bailanys::auth {

void RateLimiter::refill(Bucket& b, std::int64_t now_ms) const {
  const auto elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - b.updated_ms));
  b.tokens = std::min(limit_.burst, b.tokens + elapsed / 1000.0 * limit_.per_second);
  b.updated_ms = now_ms;
}

void RateLimiter::prune(std::int64_t now_ms) {
  // Buckets that have refilled completely carry no information: drop them.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now_ms);
    it = it->second.tokens >= limit_.burst ? buckets_.erase(it) : std::next(it);
  }
  // Still too many keys (a flood of distinct addresses): forget the fullest.
  while (buckets_.size() >= limit_.max_keys) {
    auto fullest = std::max_element(buckets_.begin(), buckets_.end(), [](auto& a, auto& b) {
      return a.second.tokens < b.second.tokens;
    });
    buckets_.erase(fullest);
  }
}

RateDecision RateLimiter::take(const std::string& key, std::int64_t now_ms) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= limit_.max_keys) prune(now_ms);
    it = buckets_.emplace(key, Bucket{limit_.burst, now_ms}).first;
  }
  Bucket& b = it->second;
  refill(b, now_ms);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, 0};
  }
  const double wait_s = (1.0 - b.tokens) / limit_.per_second;
  return {false, static_cast<std::int64_t>(std::ceil(wait_s * 1000.0))};
}

}  // namespace bailanys::auth
