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
  // A request for a subscriber that has no picture of the stream yet (it joined, or switched
  // layers) may go this soon after the last one once that one's keyframe has arrived: otherwise
  // whoever connects just after a keyframe waits the whole interval for a picture (when many
  // join at once, the first frame took either ~150 ms or ~600 ms). Bounds the keyframes such
  // joins cost a publisher to about one per this interval plus its encoding time.
  static constexpr TimeMs kAnsweredIntervalMs = 150;

  explicit KeyframeRequestLimiter(TimeMs min_interval_ms = 500)
      : min_interval_ms_(min_interval_ms) {}

  // True when a request for `ssrc` should be sent now. A refused request is remembered and
  // reported by due() once the interval has passed. `waiting`: the request is for a subscriber
  // with no picture yet (kAnsweredIntervalMs applies); loss recovery (PLI/FIR from a receiver)
  // keeps the whole interval, so one lossy receiver cannot fill the room with keyframes.
  bool allow(std::uint32_t ssrc, TimeMs now, bool waiting = false);
  // A request folded earlier that may go now (call from a timer); clears it.
  bool due(std::uint32_t ssrc, TimeMs now);
  // A keyframe of `ssrc` arrived: a request folded earlier is answered and not sent, and the
  // last request counts as answered.
  void satisfied(std::uint32_t ssrc);
  void forget(std::uint32_t ssrc);

 private:
  struct State {
    TimeMs last_sent = -1;
    bool pending = false;
    bool answered = false;  // a keyframe arrived since last_sent
  };
  std::unordered_map<std::uint32_t, State> streams_;
  TimeMs min_interval_ms_;
};

}  // namespace bailanys::sfu
