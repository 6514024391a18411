// Adaptive quality in a room (issue 5): what each subscriber shows and wants, the owner's cap,
// and, from its bandwidth estimate, which simulcast layer of each video track it gets
// (sfu/allocator.hpp); padding probes when it could use more; quality reports for everyone.
// docs/ALLOCATOR.md and docs/BWE.md explain the numbers.
#include "sfu/allocator.hpp"
#include "sfu/room.hpp"
#include "sfu/room_participant.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace bailanys::sfu {

namespace {

constexpr TimeMs kMeasureIntervalMs = 1000;
constexpr TimeMs kAllocateIntervalMs = 200;
constexpr TimeMs kQualityIntervalMs = 2000;
// Unchanged levels are repeated this often (the client forgets a report after 7 s).
constexpr TimeMs kQualityRepeatMs = 4000;
// What an Opus stream costs on the wire beyond its payload: 50 packets/s of IP, UDP, RTP with
// extensions and the SRTP tag, about 70 bytes each.
constexpr std::uint64_t kAudioOverheadBps = std::uint64_t{50} * 70 * 8;
constexpr std::uint64_t kAudioAssumedBps = 32'000;  // before a measurement
constexpr std::size_t kMaxPaddingPacketsPerTick = 200;
constexpr std::uint64_t kProbeBeyondWantedPercent = 100 + kUpgradeMarginPercent + 10;

int cap_layer(VideoCap cap) {
  switch (cap) {
    case VideoCap::Low:
      return 0;
    case VideoCap::Medium:
      return 1;
    case VideoCap::High:
      return 2;
  }
  return 2;
}

}  // namespace

void Room::set_view(const std::string& participant_id, const std::vector<TileView>& tiles,
                    TimeMs /*now*/) {
  Participant* p = find(participant_id);
  if (p == nullptr) return;
  p->view = tiles;
  p->view_known = true;
  for (const auto& tile : tiles) {
    spdlog::debug("room {}: {} shows {}'s {} {} px high", id_, participant_id, tile.participant_id,
                  tile.source, tile.height);
  }
  p->allocation_dirty = true;
}

void Room::set_receive_prefs(const std::string& participant_id, const ReceivePrefs& prefs,
                             TimeMs /*now*/) {
  Participant* p = find(participant_id);
  if (p == nullptr) return;
  p->prefs = prefs;
  p->allocation_dirty = true;
}

void Room::set_video_cap(VideoCap cap, TimeMs /*now*/) {
  video_cap_ = cap;
  for (auto& [id, p] : participants_) p->allocation_dirty = true;
}

void Room::adapt(TimeMs now) {
  if (now - last_measure_ >= kMeasureIntervalMs) {
    measure_layers(now);
    last_measure_ = now;
  }
  const bool periodic = now - last_allocate_ >= kAllocateIntervalMs;
  if (periodic) last_allocate_ = now;
  const std::int64_t now_us = steady_now_us();
  for (auto& [id, p] : participants_) {
    if (!p->send) continue;
    p->send->on_timer(now_us);
    if (periodic || p->allocation_dirty) allocate(*p, now);
    send_probe(*p, now);
  }
  if (now - last_quality_ >= kQualityIntervalMs) {
    report_quality(now);
    last_quality_ = now;
  }
}

void Room::measure_layers(TimeMs now) {
  const TimeMs elapsed = last_measure_ == 0 ? kMeasureIntervalMs : now - last_measure_;
  if (elapsed <= 0) return;
  for (auto& [id, p] : participants_) {
    std::uint64_t expected = 0, received = 0;
    for (auto& track : p->tracks) {
      for (auto& layer : track->layers) {
        const std::uint64_t bytes = layer.bytes - layer.bytes_at_last_measure;
        layer.bytes_at_last_measure = layer.bytes;
        const auto bps = bytes * 8 * 1000 / static_cast<std::uint64_t>(elapsed);
        // Smoothed a little: a keyframe second must not look like the layer's normal rate.
        layer.bitrate_bps = layer.bitrate_bps == 0 ? bps : (layer.bitrate_bps * 2 + bps) / 3;
        if (track->video()) {
          spdlog::trace("room {}: {}'s {} layer {} at {} kbit/s ({} packets)", id_, id,
                        track->source, layer.rid, bps / 1000, layer.packets);
        }
        if (!layer.seq_started) continue;
        const auto total_expected =
            static_cast<std::uint64_t>(layer.highest_seq - layer.first_seq + 1);
        const std::uint64_t interval_expected = total_expected - layer.expected_at_measure;
        const std::uint64_t interval_received = layer.packets - layer.received_at_measure;
        layer.expected_at_measure = total_expected;
        layer.received_at_measure = layer.packets;
        expected += interval_expected;
        received += std::min(interval_received, interval_expected);
      }
    }
    p->uplink_loss = expected == 0
                         ? 0.0
                         : static_cast<double>(expected - received) / static_cast<double>(expected);
  }
}

void Room::allocate(Participant& p, TimeMs now) {
  p.allocation_dirty = false;
  if (!p.receive || !p.send) return;
  std::vector<AllocationTrack> tracks;
  std::vector<ReceiveSlot*> video_slots;
  std::uint64_t audio_bps = 0;
  for (auto& slot : p.slots) {
    if (!slot.down || !slot.down->negotiated() || slot.down->track() == nullptr) continue;
    const PublishedTrack& track = *slot.down->track();
    const TrackLayer& first = track.layers.front();
    if (!track.video()) {
      if (first.last_packet_at >= 0 && now - first.last_packet_at < kLayerActiveMs) {
        audio_bps +=
            (first.bitrate_bps != 0 ? first.bitrate_bps : kAudioAssumedBps) + kAudioOverheadBps;
      }
      continue;
    }
    AllocationTrack t;
    t.key = tracks.size();
    t.screen = track.source == "screen";
    t.speaker = speaker_ && *speaker_ == track.publisher_id;
    t.pinned = std::find(p.prefs.pinned.begin(), p.prefs.pinned.end(), track.publisher_id) !=
               p.prefs.pinned.end();
    const auto rank =
        std::find(recent_speakers_.begin(), recent_speakers_.end(), track.publisher_id);
    t.speaker_rank = rank == recent_speakers_.end()
                         ? INT_MAX
                         : static_cast<int>(rank - recent_speakers_.begin());
    t.view_height = 180;  // a thumbnail until the subscriber says otherwise
    for (const auto& tile : p.view) {
      if (tile.participant_id == track.publisher_id && tile.source == track.source)
        t.view_height = tile.height;
    }
    for (const auto& layer : track.layers) {
      AllocationLayer l;
      l.bitrate_bps = layer.bitrate_bps;
      l.height = layer.height;
      l.active = layer.active(now);
      t.layers.push_back(l);
    }
    t.current_layer = slot.down->target_layer();
    tracks.push_back(std::move(t));
    video_slots.push_back(&slot);
  }
  const bwe::BandwidthEstimate estimate = p.send->estimate();
  AllocationSettings settings;
  settings.budget_bps = estimate.bps > audio_bps ? estimate.bps - audio_bps : 0;
  settings.audio_only = p.prefs.audio_only;
  settings.max_camera_layer = cap_layer(video_cap_);
  settings.last_n = options_.last_n;
  const Allocation result = sfu::allocate(tracks, settings);
  if (estimate.bps * 10 < p.logged_estimate_bps * 8 ||
      estimate.bps * 10 > p.logged_estimate_bps * 12) {
    spdlog::debug(
        "room {}: {} downlink now {} kbit/s (delay-based {} {}, loss-based {}, acked {}, loss "
        "{:.1f} %)",
        id_, p.id, estimate.bps / 1000, estimate.delay_based_bps / 1000,
        estimate.delay == bwe::DelayState::Overusing    ? "overusing"
        : estimate.delay == bwe::DelayState::Underusing ? "underusing"
                                                        : "normal",
        estimate.loss_based_bps / 1000, estimate.acked_bps / 1000, estimate.loss_fraction * 100);
    p.logged_estimate_bps = estimate.bps;
  }

  std::vector<ReceivingTrack> receiving;
  p.bandwidth_paused = p.bandwidth_limited = false;
  std::uint64_t left_bps =
      settings.budget_bps > result.allocated_bps ? settings.budget_bps - result.allocated_bps : 0;
  for (std::size_t i = 0; i < video_slots.size() && i < result.tracks.size(); ++i) {
    DownTrack& down = *video_slots[i]->down;
    const int before = down.target_layer();
    TrackAllocation a = result.tracks[i];
    hold_before_pause(*video_slots[i], tracks[i], a, left_bps, now);
    // No reason and no layer: the publisher sends nothing right now; keep what was chosen.
    if (a.reason != PauseReason::None) {
      down.set_target_layer(-1);
    } else if (a.layer >= 0) {
      // Below what the tile wants means the downlink is short: the higher layer stops at once
      // (resuming at the lower one's keyframe) rather than keep filling the queue until then.
      down.set_target_layer(a.layer, a.layer < a.wanted_layer);
    }
    if (down.target_layer() != before) {
      spdlog::debug("room {}: {} gets {}'s {} at layer {} (was {}, wants {}, budget {} kbit/s, {})",
                    id_, p.id, down.track()->publisher_id, down.track()->source,
                    down.target_layer(), before, a.wanted_layer, settings.budget_bps / 1000,
                    to_string(a.reason));
    }
    if (a.reason == PauseReason::Bandwidth) p.bandwidth_paused = true;
    if (a.reason == PauseReason::None && a.layer < a.wanted_layer) p.bandwidth_limited = true;
    const PublishedTrack& track = *down.track();
    ReceivingTrack r;
    r.mid = down.mid();
    r.participant_id = track.publisher_id;
    r.source = track.source;
    r.paused = a.reason;
    r.layers = static_cast<int>(track.layers.size());
    r.layer = a.reason == PauseReason::None ? std::max(a.layer, 0) : 0;
    if (a.reason == PauseReason::None && static_cast<std::size_t>(r.layer) < track.layers.size()) {
      r.height = track.layers[static_cast<std::size_t>(r.layer)].height;
    }
    receiving.push_back(std::move(r));
  }
  if (receiving != p.receiving) {
    p.receiving = receiving;
    RoomEvent e;
    e.type = RoomEvent::Type::Receiving;
    e.room_id = id_;
    e.participant_id = p.id;
    e.receiving = std::move(receiving);
    host_.emit(std::move(e));
  }
  // Probe a little beyond what is wanted: stepping up needs the allocator's margin on top. Not
  // before DTLS is up: a cluster started earlier cannot be sent, times out as a failed probe,
  // and backs the next one off by 1.5 s (a newcomer's video then waited ~2 s for its estimate).
  if (p.receive->state() != rtc::transport::TransportState::Connected) return;
  const int cluster = p.send->probe_cluster();
  p.send->want((result.wanted_bps + audio_bps) * kProbeBeyondWantedPercent / 100, steady_now_us());
  if (p.send->probe_cluster() != cluster && p.send->probe_cluster() >= 0) {
    spdlog::debug(
        "room {}: probing {}'s downlink (cluster {}): estimate {} kbit/s, wanted {} kbit/s", id_,
        p.id, p.send->probe_cluster(), estimate.bps / 1000, (result.wanted_bps + audio_bps) / 1000);
  }
}

void Room::hold_before_pause(ReceiveSlot& slot, const AllocationTrack& track, TrackAllocation& a,
                             std::uint64_t& left_bps, TimeMs now) {
  const int forwarded = slot.down->target_layer();
  if (a.reason != PauseReason::Bandwidth || forwarded < 0) {
    slot.short_since = -1;
    return;
  }
  if (slot.short_since < 0) slot.short_since = now;
  // Held at the lowest layer the publisher sends now.
  std::size_t lowest = 0;
  while (lowest < track.layers.size() && !track.layers[lowest].active) ++lowest;
  if (lowest >= track.layers.size()) return;
  const std::uint64_t cost = layer_cost_bps(track.layers, lowest);
  if (!hold_lowest_layer(now - slot.short_since, left_bps, cost)) return;
  a.layer = static_cast<int>(lowest);
  a.reason = PauseReason::None;
  a.bitrate_bps = cost;
  left_bps = left_bps > cost ? left_bps - cost : 0;
}

void Room::on_pace(TimeMs now) {
  for (auto& [id, p] : participants_) {
    if (p->send && p->send->probe_cluster() >= 0) send_probe(*p, now);
  }
}

void Room::send_probe(Participant& p, TimeMs now) {
  if (!p.receive || p.receive->state() != rtc::transport::TransportState::Connected) return;
  const std::int64_t now_us = steady_now_us();
  std::size_t due = p.send->padding_due(now_us);
  if (due == 0) return;
  DownTrack* carrier = nullptr;
  for (auto& slot : p.slots) {
    if (slot.down && slot.down->can_pad()) {
      carrier = slot.down.get();
      break;
    }
  }
  if (carrier == nullptr) return;
  const int cluster = p.send->probe_cluster();
  for (std::size_t n = 0; due > 0 && n < kMaxPaddingPacketsPerTick; ++n) {
    const std::size_t size = carrier->padding(p.send->padding_per_packet(), now, writable());
    if (size == 0) return;
    send_down(*carrier, size, now_us, cluster);
    p.send->on_padding_sent(size);
    due = size >= due ? 0 : due - size;
  }
}

void Room::report_quality(TimeMs now) {
  std::vector<ParticipantQuality> all;
  for (auto& [id, p] : participants_) {
    if (!p->send) continue;
    const SendSideStats& stats = p->send->stats();
    const bwe::BandwidthEstimate estimate = p->send->estimate();
    ParticipantQuality q;
    q.participant_id = id;
    const double loss = std::max({p->uplink_loss, stats.loss_fraction, estimate.loss_fraction});
    q.loss_pct = std::round(loss * 1000.0) / 10.0;
    q.rtt_ms = stats.rtt_ms;
    q.downlink_kbps = static_cast<std::uint32_t>(estimate.bps / 1000);
    spdlog::debug(
        "room {}: {} downlink {} kbit/s (delay-based {}, loss-based {}, acked {}, loss {:.1f} %, "
        "rtt {} ms{}), sent {} packets, {} probe bytes",
        id_, id, estimate.bps / 1000, estimate.delay_based_bps / 1000,
        estimate.loss_based_bps / 1000, estimate.acked_bps / 1000, estimate.loss_fraction * 100,
        stats.rtt_ms, estimate.probing ? ", probing" : "", stats.packets, stats.probe_bytes);
    for (const auto& slot : p->slots) {
      if (!slot.down || !slot.down->video()) continue;
      const DownTrackCounters& c = slot.down->counters();
      spdlog::debug(
          "room {}: {} {}: forwarded {}, paused {}, other layer {}, keyframe wait {}, "
          "nacked {}, resent {}, not resent (old layer) {}, switches {}, layer {}/{}",
          id_, id, slot.mid, c.forwarded, c.dropped_paused, c.dropped_other_layer,
          c.dropped_rewrite, c.nacked, c.retransmitted, c.nack_before_switch, c.layer_switches,
          slot.down->current_layer(), slot.down->target_layer());
    }
    if (loss > 0.08 || q.rtt_ms > 500 || p->bandwidth_paused) {
      q.level = QualityLevel::Poor;
    } else if (loss > 0.02 || q.rtt_ms > 250 || p->bandwidth_limited) {
      q.level = QualityLevel::Fair;
    } else {
      q.level = QualityLevel::Good;
    }
    all.push_back(std::move(q));
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.participant_id < b.participant_id; });
  const auto levels_changed = [&] {
    if (all.size() != last_quality_levels_.size()) return true;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].participant_id != last_quality_levels_[i].participant_id ||
          all[i].level != last_quality_levels_[i].level) {
        return true;
      }
    }
    return false;
  };
  if (all.empty() || (!levels_changed() && now - last_quality_sent_ < kQualityRepeatMs)) return;
  last_quality_levels_ = all;
  last_quality_sent_ = now;
  RoomEvent e;
  e.type = RoomEvent::Type::Quality;
  e.room_id = id_;
  e.quality = std::move(all);
  host_.emit(std::move(e));
}

}  // namespace bailanys::sfu
