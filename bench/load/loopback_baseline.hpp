// The latency a packet has without any server: one UDP datagram from one socket to another on
// loopback, sent from a loop tick and read by the loop, as the participants send and receive.
// Subtracted from the measured latency to report what the server adds (issue 6).
#pragma once

#include "latency_histogram.hpp"

namespace bailanys::load {

// Blocking, about `samples` milliseconds.
LatencyHistogram measure_loopback_baseline(int samples);

}  // namespace bailanys::load
