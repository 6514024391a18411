// Probing (draft-ietf-rmcat-gcc-02 leaves it to the sender; libwebrtc's ProbeController and
// ProbeBitrateEstimator are the model): an application-limited sender never shows the delay
// estimator more than it sends, so AIMD alone cannot climb. A probe is a short burst of
// padding at a target rate; the rate the receiver got it at, measured from the feedback, is
// what the path can carry. ProbeController decides when and how high; ProbeResults measures
// the clusters. Time is injected, no I/O, never throws, memory bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>
#include <utility>

#include "sfu/bwe/send_history.hpp"
#include "sfu/bwe/twcc_recorder.hpp"

namespace bailanys::sfu::bwe {

struct ProbeCluster {
  int id = 0;
  std::uint64_t target_bps = 0;
  TimeUs duration_us = 0;
  std::size_t min_packets = 0;
  std::size_t bytes = 0;  // to send in total
};

struct ProbeConfig {
  std::uint64_t max_bps = 20'000'000;
  double initial_multiplier = 3.0;  // first probe: 3 x the start rate
  double step_multiplier = 2.0;     // next probe: 2 x the estimate
  double min_gain = 1.2;            // no probe for less than 1.2 x the estimate
  double success_ratio = 0.7;       // result >= 0.7 x target: probe on at once
  // Long enough that a token-bucket link's burst allowance (a few kB) is a small part of a
  // probe above it, so the second half of the cluster meets the real rate (ProbeResults).
  TimeUs duration_us = 100'000;
  std::size_t min_packets = 5;
  TimeUs retry_interval_us = 1'500'000;  // after a failed probe; doubled after each further one
  TimeUs max_retry_interval_us = 4'000'000;
  TimeUs result_timeout_us = 1'000'000;  // no result by then: failed
};

struct ProbeOutcome {
  int id = 0;
  std::uint64_t target_bps = 0;
  std::optional<std::uint64_t> bps;  // nullopt: not enough packets, or not measurable
};

// When to probe and how high.
class ProbeController {
 public:
  explicit ProbeController(const ProbeConfig& config) : config_(config) {}
  std::optional<ProbeCluster> probe(TimeUs now, std::uint64_t estimate_bps,
                                    std::uint64_t wanted_bps, bool overusing);
  // success: the measured rate reached success_ratio of the target and was applied.
  void on_outcome(int id, bool success, TimeUs now);
  [[nodiscard]] bool in_flight() const { return awaiting_.has_value(); }

 private:
  ProbeConfig config_;
  int next_id_ = 1;
  std::optional<int> awaiting_;
  TimeUs awaiting_since_ = 0;
  bool probed_once_ = false;
  bool continue_ = false;  // the last probe succeeded: the next may go now
  TimeUs next_allowed_ = 0;
  int failures_ = 0;  // in a row
};

// Per cluster, what was sent and what the feedback says arrived.
class ProbeResults {
 public:
  explicit ProbeResults(const ProbeConfig& config) : config_(config) {}
  void add(const ProbeCluster& cluster, TimeUs now);
  void on_packet_sent(int cluster, std::size_t bytes);
  // Feedback results (any order). Clusters whose every sent packet has been reported come out.
  std::vector<ProbeOutcome> on_results(std::span<const PacketResult> results);
  // Clusters past result_timeout_us come out, measured on what arrived.
  std::vector<ProbeOutcome> expire(TimeUs now);

 private:
  struct Cluster {
    ProbeCluster spec;
    TimeUs created = 0;
    std::size_t sent_packets = 0;
    std::size_t sent_bytes = 0;
    std::size_t reported = 0;
    std::size_t received = 0;
    std::size_t received_bytes = 0;
    TimeUs first_send = 0;
    TimeUs last_send = 0;
    std::size_t last_send_bytes = 0;
    TimeUs first_arrival = 0;
    TimeUs last_arrival = 0;
    std::size_t first_arrival_bytes = 0;
    std::vector<std::pair<TimeUs, std::size_t>> arrivals;  // (arrival, bytes), bounded
  };
  [[nodiscard]] Cluster* find(int id);
  [[nodiscard]] std::optional<std::uint64_t> measure(const Cluster& c) const;

  ProbeConfig config_;
  std::deque<Cluster> clusters_;  // a few at most
};

}  // namespace bailanys::sfu::bwe
