// Token buckets keyed by a string (a user id or an address). Not thread-safe:
// each owner (the HTTP pool, the signaling hub) keeps its own instance behind
// its own serialization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace bailanys::auth {

struct RateLimit {
  double burst;           // bucket capacity
  double per_second;      // refill rate
  std::size_t max_keys;   // memory bound: full buckets are forgotten first
};

struct RateDecision {
  bool allowed;
  std::int64_t retry_after_ms;  // 0 when allowed
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes one token for `key` at time `now_ms` (a steady clock).
  RateDecision take(const std::string& key, std::int64_t now_ms);
  [[nodiscard]] std::size_t tracked_keys() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    std::int64_t updated_ms;
  };
  void refill(Bucket& b, std::int64_t now_ms) const;
  void prune(std::int64_t now_ms);

  RateLimit limit_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace bailanys::auth
