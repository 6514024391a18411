#include "layer_switch.hpp"

namespace bailanys::load {

namespace {

double ms(TimeUs micros) { return static_cast<double>(micros) / 1000.0; }

}  // namespace

void LayerSwitches::close(const Pending& p, TimeUs keyframe_done) {
  if (keyframe_done == 0 || keyframe_done - p.requested_at > kDeadlineUs) {
    ++incomplete_;
    return;
  }
  first_packet_ms_.push_back(ms(p.first_packet - p.requested_at));
  keyframe_ms_.push_back(ms(keyframe_done - p.requested_at));
}

void LayerSwitches::request(int layer, TimeUs now, bool measured) {
  for (const auto& entry : pending_) close(entry.second, 0);
  pending_.clear();
  if (!measured) return;
  for (const auto& [track, current] : current_) {
    if (now - current.last_packet > kGoneUs) continue;  // no longer sent to us
    if (current.layer == layer) {
      ++already_there_;
      continue;
    }
    Pending p;
    p.layer = layer;
    p.requested_at = now;
    pending_.emplace(track, p);
  }
}

void LayerSwitches::on_packet(std::uint32_t track, int layer, bool keyframe, bool marker,
                              std::uint32_t rtp_timestamp, TimeUs sent_us, TimeUs now) {
  Current& c = current_[track];
  c.last_packet = now;
  const auto it = pending_.find(track);
  if (it == pending_.end()) {
    if (sent_us >= c.sent_us) {
      c.layer = layer;
      c.sent_us = sent_us;
    }
    return;
  }
  Pending& p = it->second;
  // Packets of the new layer sent before the request are retransmissions of an earlier run.
  if (layer != p.layer || sent_us < p.requested_at) return;
  c.layer = layer;
  c.sent_us = sent_us;
  if (p.first_packet == 0) p.first_packet = now;
  if (keyframe && !p.keyframe_started) {
    p.keyframe_started = true;
    p.keyframe_timestamp = rtp_timestamp;
  }
  if (p.keyframe_started && marker && rtp_timestamp == p.keyframe_timestamp) {
    close(p, now);
    pending_.erase(it);
  }
}

void LayerSwitches::finish() {
  for (const auto& entry : pending_) close(entry.second, 0);
  pending_.clear();
}

}  // namespace bailanys::load
