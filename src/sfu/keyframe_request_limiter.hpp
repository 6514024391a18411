// Decides whether a keyframe request (PLI/FIR) may go to a publisher now. Subscribers ask
// often (every loss burst, every new subscriber); a publisher that answers each one with a
// keyframe floods the room, so requests are passed at most once per interval per stream and
// the ones in between are folded into the next (RFC 4585 §3.4 leaves the rate to us).
#pragma once

#include "common/clock.hpp"

#include <cstdint>
#include <unordered_map>

namespace bailanys::sfu {

class KeyframeRequestLimiter {
 public:
  explicit KeyframeRequestLimiter(TimeMs min_interval_ms = 500) : min_interval_ms_(min_interval_ms) {}

  // True when a request for `ssrc` should be sent now. A refused request is remembered and
  // reported by due() once the interval has passed.
  bool allow(std::uint32_t ssrc, TimeMs now);
  // A request folded earlier that may go now (call from a timer); clears it.
  bool due(std::uint32_t ssrc, TimeMs now);
  // A keyframe of `ssrc` arrived: a request folded earlier is answered and not sent.
  void satisfied(std::uint32_t ssrc);
  void forget(std::uint32_t ssrc);

 private:
  struct State {
    TimeMs last_sent = -1;
    bool pending = false;
  };
  std::unordered_map<std::uint32_t, State> streams_;
  TimeMs min_interval_ms_;
};

}  // namespace bailanys::sfu
