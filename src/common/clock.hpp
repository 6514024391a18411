// Wall-clock time for stored timestamps and a steady clock for rate limits.
// Code below the composition root receives time as a parameter (see
// ARCHITECTURE.md, "time is injected"); only the edges call these.
#pragma once

#include <cstdint>

namespace bailanys {

using TimeMs = std::int64_t;

// Milliseconds since the Unix epoch.
TimeMs wall_now_ms();
// Monotonic milliseconds, for timers and rate limiting.
TimeMs steady_now_ms();
// Monotonic microseconds (same clock), for packet arrival and send times (bandwidth estimation).
std::int64_t steady_now_us();

}  // namespace bailanys
