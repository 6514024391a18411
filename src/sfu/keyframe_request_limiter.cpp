#include "sfu/keyframe_request_limiter.hpp"

namespace bailanys::sfu {

bool KeyframeRequestLimiter::allow(std::uint32_t ssrc, TimeMs now) {
  State& s = streams_[ssrc];
  if (s.last_sent >= 0 && now - s.last_sent < min_interval_ms_) {
    s.pending = true;
    return false;
  }
  s.last_sent = now;
  s.pending = false;
  return true;
}

bool KeyframeRequestLimiter::due(std::uint32_t ssrc, TimeMs now) {
  const auto it = streams_.find(ssrc);
  if (it == streams_.end() || !it->second.pending) return false;
  if (now - it->second.last_sent < min_interval_ms_) return false;
  it->second.last_sent = now;
  it->second.pending = false;
  return true;
}

void KeyframeRequestLimiter::satisfied(std::uint32_t ssrc) {
  const auto it = streams_.find(ssrc);
  if (it != streams_.end()) it->second.pending = false;
}

void KeyframeRequestLimiter::forget(std::uint32_t ssrc) { streams_.erase(ssrc); }

}  // namespace bailanys::sfu
