#include "sfu/keyframe_request_limiter.hpp"

namespace bailanys::sfu {

bool KeyframeRequestLimiter::allow(std::uint32_t ssrc, TimeMs now, bool waiting) {
  State& s = streams_[ssrc];
  if (s.last_sent >= 0 && now - s.last_sent < min_interval_ms_) {
    const bool early = waiting && s.answered && now - s.last_sent >= kAnsweredIntervalMs;
    if (!early) {
      s.pending = true;
      return false;
    }
  }
  s.last_sent = now;
  s.pending = false;
  s.answered = false;
  return true;
}

bool KeyframeRequestLimiter::due(std::uint32_t ssrc, TimeMs now) {
  const auto it = streams_.find(ssrc);
  if (it == streams_.end() || !it->second.pending) return false;
  if (now - it->second.last_sent < min_interval_ms_) return false;
  it->second.last_sent = now;
  it->second.pending = false;
  it->second.answered = false;
  return true;
}

void KeyframeRequestLimiter::satisfied(std::uint32_t ssrc) {
  const auto it = streams_.find(ssrc);
  if (it == streams_.end()) return;
  it->second.pending = false;
  if (it->second.last_sent >= 0) it->second.answered = true;
}

void KeyframeRequestLimiter::forget(std::uint32_t ssrc) { streams_.erase(ssrc); }

}  // namespace bailanys::sfu
