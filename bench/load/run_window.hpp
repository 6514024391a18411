// The measurement window of a run, shared by every loop thread. The coordinator sets it a
// little in the future once every subscriber receives every stream (or the join timeout
// passed), so that senders and receivers on all threads already see it when it opens; a packet
// belongs to the window when its send time does.
#pragma once

#include "load_clock.hpp"

#include <atomic>

namespace bailanys::load {

struct RunWindow {
  std::atomic<TimeUs> start{0};  // 0: not decided yet
  std::atomic<TimeUs> end{0};
  std::atomic<bool> sending{true};  // false: publishers stop (the drain before the results)

  [[nodiscard]] bool contains(TimeUs t) const {
    const TimeUs s = start.load(std::memory_order_relaxed);
    return s != 0 && t >= s && t < end.load(std::memory_order_relaxed);
  }
};

}  // namespace bailanys::load
