#include "sfu/bwe/bandwidth_estimator.hpp"

#include <algorithm>
#include <vector>

namespace bailanys::sfu::bwe {

namespace {
// A probe that makes the link overuse brings the estimate back to 0.9 x where it was (for 1 s).
constexpr TimeUs kProbeGuardUs = 1'000'000;
constexpr double kProbeGuardFloor = 0.9;
constexpr double kProbeGuardAppLimited = 0.8;
// No probe within 2 s of a decrease: the link is still full.
constexpr TimeUs kNoProbeAfterDecreaseUs = 2'000'000;
}  // namespace


namespace {

constexpr TimeUs kMaxRttUs = 5'000'000;

BandwidthEstimatorConfig normalized(BandwidthEstimatorConfig c) {
  c.min_bps = std::max<std::uint64_t>(c.min_bps, 1000);
  c.max_bps = std::max(c.max_bps, c.min_bps);
  c.start_bps = std::clamp(c.start_bps, c.min_bps, c.max_bps);
  c.feedback_timeout_us = std::max<TimeUs>(c.feedback_timeout_us, 100'000);
  c.feedback_timeout_factor = std::clamp(c.feedback_timeout_factor, 0.1, 1.0);
  c.delay.start_bps = c.start_bps;
  c.delay.min_bps = c.min_bps;
  c.delay.max_bps = c.max_bps;
  c.loss.min_bps = c.min_bps;
  c.loss.max_bps = c.max_bps;
  c.probe.max_bps = c.max_bps;
  return c;
}

}  // namespace

BandwidthEstimator::BandwidthEstimator(const BandwidthEstimatorConfig& config)
    : config_(normalized(config)),
      history_(config_.history_age_us, config_.history_packets),
      acked_(config_.acked_window_us, config_.acked_min_span_us),
      sent_(config_.acked_window_us, config_.acked_min_span_us),
      delay_(config_.delay),
      loss_(config_.loss),
      prober_(config_.probe),
      probe_results_(config_.probe) {}

std::uint64_t BandwidthEstimator::combined() const {
  return std::clamp(std::min(delay_.estimate(), loss_.bound()), config_.min_bps, config_.max_bps);
}

void BandwidthEstimator::on_packet_sent(std::uint16_t transport_seq, std::size_t bytes, TimeUs now,
                                        int probe_cluster) {
  history_.on_packet_sent(transport_seq, bytes, now, probe_cluster);
  if (probe_cluster >= 0) {
    probe_results_.on_packet_sent(probe_cluster, bytes);
  } else {
    sent_.on_packet(now, bytes);
  }
  if (!unanswered_since_) unanswered_since_ = now;
}

void BandwidthEstimator::on_rtt(TimeUs rtt_us, TimeUs /*now*/) {
  if (rtt_us < 0) return;
  rtt_from_reports_ = std::min(rtt_us, kMaxRttUs);
  delay_.set_rtt(*rtt_from_reports_);
}

void BandwidthEstimator::on_feedback(const rtc::rtcp::TransportFeedback& feedback, TimeUs now) {
  const std::vector<PacketResult> results = history_.on_feedback(feedback);
  if (results.empty()) return;  // unknown, duplicate or empty: nothing learned
  ++stats_.feedbacks;
  unanswered_since_.reset();
  last_timeout_cut_.reset();

  std::vector<PacketResult> received;
  received.reserve(results.size());
  TimeUs newest_send = 0;
  bool any_received = false;
  for (const PacketResult& r : results) {
    if (!r.received) continue;
    received.push_back(r);
    acked_.on_packet(r.arrival_us, r.bytes);
    newest_send = any_received ? std::max(newest_send, r.send_us) : r.send_us;
    any_received = true;
  }
  loss_.on_feedback(results, now);
  if (any_received) {
    // Includes the receiver's feedback delay: an upper bound, used only without reports.
    rtt_from_feedback_ = std::clamp<TimeUs>(now - newest_send, 0, kMaxRttUs);
    if (!rtt_from_reports_) delay_.set_rtt(*rtt_from_feedback_);
  }

  // The delay filter wants arrival order (libwebrtc sorts the same way).
  std::stable_sort(received.begin(), received.end(), [](const PacketResult& a, const PacketResult& b) {
    return a.arrival_us < b.arrival_us || (a.arrival_us == b.arrival_us && a.send_us < b.send_us);
  });
  // What we send beyond the estimate (audio or retransmissions the allocator keeps on top
  // of it) must come off a decrease too, or the queue keeps growing at the new estimate.
  // Against the highest estimate of the send window: the send rate lags a decrease, and
  // that lag is no excess (counting it would cut again and again).
  const std::uint64_t allowed = recent_max_estimate(now);
  const std::uint64_t sending = sent_.bps().value_or(0);
  const std::uint64_t excess = sending > allowed ? sending - allowed : 0;
  delay_.on_feedback(received, acked_.bps(), excess, now);
  // Overuse while a probe is out is (mostly) the probe's own queue: back to a little under the
  // estimate that held before it, not to what the application-limited sender got acked.
  if (probe_guard_ && now - probe_guard_->second < kProbeGuardUs) {
    const auto floor = static_cast<std::uint64_t>(static_cast<double>(probe_guard_->first) * kProbeGuardFloor);
    if (delay_.estimate() < floor && delay_.estimate() > 0) {
      delay_.scale(static_cast<double>(floor) / static_cast<double>(delay_.estimate()), now);
    }
  }

  for (const ProbeOutcome& outcome : probe_results_.on_results(results)) {
    apply_probe_outcome(outcome, now);
  }
  loss_.update(combined(), rtt_from_reports_.value_or(rtt_from_feedback_.value_or(0)), now,
               acked_.bps());
}

void BandwidthEstimator::apply_probe_outcome(const ProbeOutcome& outcome, TimeUs now) {
  bool success = false;
  if (outcome.bps) {
    const std::uint64_t bps = std::min(*outcome.bps, outcome.target_bps);
    const auto needed = static_cast<double>(outcome.target_bps) * config_.probe.success_ratio;
    const bool overusing = delay_.state() == DelayState::Overusing;
    if (!overusing && bps > combined()) {
      delay_.on_probe_result(bps, now);
      loss_.raise_to(bps);
    }
    success = !overusing && static_cast<double>(bps) >= needed;
  }
  if (success) ++stats_.probes_succeeded;
  prober_.on_outcome(outcome.id, success, now);
}

void BandwidthEstimator::on_timer(TimeUs now) {
  for (const ProbeOutcome& outcome : probe_results_.expire(now)) apply_probe_outcome(outcome, now);
  // Feedback stopped while we kept sending: the path may be gone or badly congested. Only once
  // feedback has come at all: a receiver that negotiated transport-cc but never answers (a
  // simple client, a load generator) keeps the start estimate rather than losing its video.
  if (stats_.feedbacks > 0 && unanswered_since_ &&
      now - *unanswered_since_ >= config_.feedback_timeout_us &&
      (!last_timeout_cut_ || now - *last_timeout_cut_ >= config_.feedback_timeout_us)) {
    ++stats_.feedback_timeouts;
    delay_.scale(config_.feedback_timeout_factor, now);
    last_timeout_cut_ = now;
  }
}

std::uint64_t BandwidthEstimator::recent_max_estimate(TimeUs now) {
  constexpr std::size_t kMaxEntries = 256;
  while (!recent_estimates_.empty() &&
         (recent_estimates_.size() >= kMaxEntries ||
          now - recent_estimates_.front().first > config_.acked_window_us)) {
    recent_estimates_.pop_front();
  }
  recent_estimates_.emplace_back(now, combined());
  std::uint64_t m = 0;
  for (const auto& entry : recent_estimates_) m = std::max(m, entry.second);
  return m;
}

BandwidthEstimate BandwidthEstimator::estimate() const {
  BandwidthEstimate e;
  e.bps = combined();
  e.loss_fraction = loss_.loss_fraction();
  e.delay = delay_.state();
  e.acked_bps = acked_.bps().value_or(0);
  e.delay_based_bps = delay_.estimate();
  e.loss_based_bps = loss_.bound();
  e.rtt_us = rtt_from_reports_.value_or(rtt_from_feedback_.value_or(0));
  e.probing = prober_.in_flight();
  return e;
}

std::optional<ProbeCluster> BandwidthEstimator::probe(TimeUs now, std::uint64_t wanted_bps) {
  // Not while the link is still full from before a decrease: the probe would only add to its
  // queue (and to the loss of the traffic sharing it), and measure nothing.
  if (delay_.decreased_within(kNoProbeAfterDecreaseUs, now) ||
      loss_.decreased_within(kNoProbeAfterDecreaseUs, now) || loss_.loss_fraction() > 0.1) {
    return std::nullopt;
  }
  auto cluster = prober_.probe(now, combined(), wanted_bps, delay_.state() == DelayState::Overusing);
  if (cluster) {
    ++stats_.probes;
    probe_results_.add(*cluster, now);
    // Only for a sender that was not filling its estimate (an SFU with video paused or on a low
    // layer): its estimate was never tested by its own traffic, so an overuse now is the probe's.
    const std::uint64_t estimate = combined();
    const std::uint64_t sending = sent_.bps().value_or(0);
    if (static_cast<double>(sending) < kProbeGuardAppLimited * static_cast<double>(estimate)) {
      probe_guard_ = std::pair(estimate, now);
    } else {
      probe_guard_.reset();
    }
  }
  return cluster;
}

}  // namespace bailanys::sfu::bwe
