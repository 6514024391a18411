// The one clock of a load run: steady microseconds. Senders stamp packets with it and receivers
// in the same process read it, so one-way latency needs no clock sync (same machine, same clock).
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

namespace bailanys::load {

using TimeUs = std::int64_t;

inline TimeUs now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Blocks the calling thread (the coordinator's, never a loop's) until `t`.
inline void sleep_until(TimeUs t) {
  const TimeUs left = t - now_us();
  if (left > 0) std::this_thread::sleep_for(std::chrono::microseconds(left));
}

// The engines (DTLS, ICE) take milliseconds on the steady clock.
inline std::int64_t to_ms(TimeUs t) { return t / 1000; }

}  // namespace bailanys::load
