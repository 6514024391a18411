#include "sfu/bwe/probe_controller.hpp"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace bailanys::sfu::bwe {

namespace {

constexpr std::size_t kMaxClusters = 8;
constexpr double kMinReceivedRatio = 0.8;  // of min_packets and of the bytes asked for
constexpr TimeUs kMaxIntervalUs = 1'000'000;
constexpr double kMaxReceiveToSend = 2.0;       // faster than sent: bunched, not a measurement
constexpr double kSaturatedRatio = 0.9;         // received slower than this: the link is full
constexpr double kSaturatedUtilization = 0.95;  // ... and its rate a little under what arrived
constexpr std::size_t kMaxArrivals = 1024;
constexpr double kMinWantedGain = 1.05;
constexpr std::size_t kMinTailPackets = 3;

// The receive rate over the later half of the cluster (by arrival). A token-bucket link lets its
// burst allowance through at the sender's pace, so the first packets can arrive as fast as they
// were sent; once the bucket is empty the rest arrive at the link's real rate.
std::optional<double> tail_receive_bps(std::vector<std::pair<TimeUs, std::size_t>> arrivals) {
  if (arrivals.size() < 2 * kMinTailPackets) return std::nullopt;
  std::sort(arrivals.begin(), arrivals.end());
  const std::size_t half = arrivals.size() / 2;
  const TimeUs interval = arrivals.back().first - arrivals[half].first;
  if (interval <= 0) return std::nullopt;
  std::size_t bytes = 0;
  for (std::size_t i = half + 1; i < arrivals.size(); ++i) bytes += arrivals[i].second;
  return static_cast<double>(bytes) * 8e6 / static_cast<double>(interval);
}

}  // namespace

// --- ProbeController -------------------------------------------------------------------------

std::optional<ProbeCluster> ProbeController::probe(TimeUs now, std::uint64_t estimate_bps,
                                                   std::uint64_t wanted_bps, bool overusing) {
  if (awaiting_) {
    if (now - awaiting_since_ < config_.result_timeout_us) return std::nullopt;
    on_outcome(*awaiting_, false, now);  // its result never came
  }
  if (overusing) return std::nullopt;
  double multiplier = config_.step_multiplier;
  if (!probed_once_) {
    multiplier = config_.initial_multiplier;
  } else if (!continue_ && now < next_allowed_) {
    return std::nullopt;
  }
  const double want = static_cast<double>(std::min(wanted_bps, config_.max_bps));
  const double estimate = static_cast<double>(estimate_bps);
  // Nothing (much) wanted beyond the estimate: no probe. Wanted a little more: probe at least
  // min_gain above the estimate, or the result could never show enough room for it.
  if (want < estimate * kMinWantedGain) return std::nullopt;
  const double target = std::max(std::min(estimate * multiplier, want), estimate * config_.min_gain);

  ProbeCluster cluster;
  cluster.id = next_id_;
  next_id_ = next_id_ == std::numeric_limits<int>::max() ? 1 : next_id_ + 1;
  cluster.target_bps = static_cast<std::uint64_t>(target);
  cluster.duration_us = config_.duration_us;
  cluster.min_packets = config_.min_packets;
  cluster.bytes = std::max<std::size_t>(
      1, static_cast<std::size_t>(target * static_cast<double>(config_.duration_us) / 8e6));
  awaiting_ = cluster.id;
  awaiting_since_ = now;
  probed_once_ = true;
  continue_ = false;
  return cluster;
}

void ProbeController::on_outcome(int id, bool success, TimeUs now) {
  if (!awaiting_ || *awaiting_ != id) return;  // an old cluster's late result
  awaiting_.reset();
  continue_ = success;
  if (success) {
    failures_ = 0;
    return;
  }
  // Failed probes back off (1.5, 3, 4, 4 … s by default): each one that a weak link cannot
  // carry costs its other traffic a little delay or loss.
  TimeUs wait = config_.retry_interval_us;
  for (int i = 0; i < failures_ && wait < config_.max_retry_interval_us; ++i) wait *= 2;
  next_allowed_ = now + std::min(wait, std::max(config_.max_retry_interval_us, config_.retry_interval_us));
  ++failures_;
}

// --- ProbeResults ----------------------------------------------------------------------------

ProbeResults::Cluster* ProbeResults::find(int id) {
  for (Cluster& c : clusters_) {
    if (c.spec.id == id) return &c;
  }
  return nullptr;
}

void ProbeResults::add(const ProbeCluster& cluster, TimeUs now) {
  if (clusters_.size() >= kMaxClusters) clusters_.pop_front();
  Cluster c;
  c.spec = cluster;
  c.created = now;
  clusters_.push_back(c);
}

void ProbeResults::on_packet_sent(int cluster, std::size_t bytes) {
  if (Cluster* c = find(cluster)) {
    ++c->sent_packets;
    c->sent_bytes += bytes;
  }
}

// The rate of one cluster as libwebrtc's ProbeBitrateEstimator measures it: bytes over the
// send interval and over the receive interval, each without the packet that opens (receive)
// or closes (send) its interval; the smaller one, a little under the receive rate when the
// link was clearly saturated.
std::optional<std::uint64_t> ProbeResults::measure(const Cluster& c) const {
  const double min_packets = kMinReceivedRatio * static_cast<double>(c.spec.min_packets);
  const double min_bytes = kMinReceivedRatio * static_cast<double>(c.spec.bytes);
  if (c.received < 2 || static_cast<double>(c.received) < min_packets ||
      static_cast<double>(c.received_bytes) < min_bytes) {
    return std::nullopt;
  }
  const TimeUs send_interval = c.last_send - c.first_send;
  const TimeUs receive_interval = c.last_arrival - c.first_arrival;
  if (send_interval <= 0 || send_interval > kMaxIntervalUs || receive_interval <= 0 ||
      receive_interval > kMaxIntervalUs) {
    return std::nullopt;
  }
  const double send_bps =
      static_cast<double>(c.received_bytes - c.last_send_bytes) * 8e6 / static_cast<double>(send_interval);
  double receive_bps = static_cast<double>(c.received_bytes - c.first_arrival_bytes) * 8e6 /
                       static_cast<double>(receive_interval);
  if (const auto tail = tail_receive_bps(c.arrivals)) receive_bps = std::min(receive_bps, *tail);
  if (receive_bps > kMaxReceiveToSend * send_bps) return std::nullopt;
  double bps = std::min(send_bps, receive_bps);
  if (receive_bps < kSaturatedRatio * send_bps) bps = kSaturatedUtilization * receive_bps;
  if (!(bps > 0)) return std::nullopt;
  return static_cast<std::uint64_t>(std::min(bps, 1e12));
}

std::vector<ProbeOutcome> ProbeResults::on_results(std::span<const PacketResult> results) {
  std::vector<ProbeOutcome> out;
  for (const PacketResult& r : results) {
    if (r.probe_cluster < 0) continue;
    Cluster* c = find(r.probe_cluster);
    if (c == nullptr) continue;
    ++c->reported;
    if (!r.received) continue;
    if (c->received == 0 || r.send_us < c->first_send) c->first_send = r.send_us;
    if (c->received == 0 || r.send_us >= c->last_send) {
      c->last_send = r.send_us;
      c->last_send_bytes = r.bytes;
    }
    if (c->received == 0 || r.arrival_us < c->first_arrival) {
      c->first_arrival = r.arrival_us;
      c->first_arrival_bytes = r.bytes;
    }
    if (c->received == 0 || r.arrival_us > c->last_arrival) c->last_arrival = r.arrival_us;
    if (c->arrivals.size() < kMaxArrivals) c->arrivals.emplace_back(r.arrival_us, r.bytes);
    ++c->received;
    c->received_bytes += r.bytes;
  }
  // Done when every packet sent has been reported and the caller sent (nearly) the cluster.
  for (auto it = clusters_.begin(); it != clusters_.end();) {
    const bool sent_all = it->sent_packets >= it->spec.min_packets &&
                          it->sent_bytes * 10 >= it->spec.bytes * 9;
    if (sent_all && it->reported >= it->sent_packets) {
      out.push_back({it->spec.id, it->spec.target_bps, measure(*it)});
      it = clusters_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<ProbeOutcome> ProbeResults::expire(TimeUs now) {
  std::vector<ProbeOutcome> out;
  for (auto it = clusters_.begin(); it != clusters_.end();) {
    if (now - it->created >= config_.result_timeout_us) {
      out.push_back({it->spec.id, it->spec.target_bps, measure(*it)});
      it = clusters_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

}  // namespace bailanys::sfu::bwe
