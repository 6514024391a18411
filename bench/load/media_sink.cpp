#include "media_sink.hpp"

#include "common/bytes.hpp"
#include "probe_payload.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/codecs.hpp"
#include "rtc/rtp/rtp_packet.hpp"

#include <algorithm>
#include <bit>

namespace bailanys::load {

namespace rtp = rtc::rtp;
namespace rtcp = rtc::rtcp;

std::uint64_t ReceivedStream::count_between(std::int64_t first, std::int64_t last) const {
  if (first < 0 || last < first) return 0;
  std::uint64_t n = 0;
  for (std::int64_t i = first; i <= last; ++i) {
    if (has(static_cast<std::uint32_t>(i))) ++n;
  }
  return n;
}

MediaSink::MediaSink(const RunWindow& window, std::uint16_t run_id, std::uint32_t seed)
    : window_(window),
      run_id_(run_id),
      own_ssrc_(seed | 1U),
      twcc_(sfu::bwe::TwccRecorderConfig{.sender_ssrc = seed | 1U}) {}

void MediaSink::update_layout(const ReceiveLayout& layout) {
  transport_ids_.transport_cc = layout.transport_cc_id;
  for (const auto& [rtx, apt] : layout.rtx_apt) rtx_apt_[rtx] = apt;
  for (const auto& t : layout.tracks) {
    tracks_[t.ssrc].video = t.video;
    if (t.rtx_ssrc) rtx_to_primary_[*t.rtx_ssrc] = t.ssrc;
  }
}

void MediaSink::on_rtp(rtp::RtpPacket& packet, TimeUs now) {
  ++counters_.rtp;
  if (transport_ids_.transport_cc != 0) {
    if (const auto seq = rtp::read_transport_cc(packet, transport_ids_)) twcc_.record(*seq, now);
  }
  std::uint32_t ssrc = packet.ssrc();
  std::uint16_t sequence = packet.sequence();
  std::span<const std::uint8_t> payload = packet.payload();
  bool rtx = false;
  if (const auto it = rtx_to_primary_.find(ssrc); it != rtx_to_primary_.end()) {
    // RFC 4588 §4: the original sequence number, then the original payload.
    if (payload.size() < 2) return;
    ssrc = it->second;
    sequence = load_be16(payload.data());
    payload = payload.subspan(2);
    rtx = true;
  } else if (rtx_apt_.contains(packet.payload_type())) {
    return;  // RTX on an SSRC we were never told about
  }
  const auto track = tracks_.find(ssrc);
  if (track == tracks_.end()) {
    ++counters_.unknown_ssrc;
    return;
  }
  if (first_rtp_ == 0) first_rtp_ = now;
  const auto arrival = track->second.nack.on_packet(sequence, now);
  if (arrival == NackTracker::Arrival::Duplicate || arrival == NackTracker::Arrival::Old) return;
  on_media(track->second, packet, payload, rtx || arrival == NackTracker::Arrival::Recovered, now);
}

void MediaSink::on_media(Track& track, const rtp::RtpPacket& packet,
                         std::span<const std::uint8_t> payload, bool retransmission, TimeUs now) {
  std::size_t offset = 1;  // the Opus TOC byte
  bool keyframe = false;
  if (track.video) {
    const auto vp8 = rtp::parse_vp8(payload);
    if (!vp8) {
      ++counters_.no_probe;
      return;
    }
    offset = vp8->header_size;
    keyframe = vp8->keyframe;
    if (vp8->start_of_partition && vp8->partition_id == 0) offset += keyframe ? 10 : 3;
  }
  const auto probe = read_probe(payload, offset);
  if (!probe) {
    ++counters_.no_probe;
    return;
  }
  if (stream_run_id(probe->stream_id) != run_id_) {
    ++counters_.foreign;
    return;
  }
  const int layer = stream_layer(probe->stream_id);
  ReceivedStream& s = streams_[stream_track(probe->stream_id)];
  if (s.packets == 0 && s.first_packet == 0) {
    s.stream_id = stream_track(probe->stream_id);
    s.video = stream_is_video(probe->stream_id);
    s.first_packet = now;
  }
  if (!s.video && !s.started) {
    s.started = true;
    s.start_number = probe->number;
    s.start_sent = probe->sent_us;
    ++started_streams_;
  }
  if (keyframe) {
    if (s.first_keyframe == 0) {
      // The stream starts here at its first keyframe, whatever its layer (tally.hpp).
      s.first_keyframe = now;
      s.start_number = probe->number;
      s.start_sent = probe->sent_us;
    }
    if (first_keyframe_ == 0) first_keyframe_ = now;
    if (!s.started && layer == awaited_layer_) {
      s.started = true;
      ++started_streams_;
    }
  }
  if (s.video && switches_ != nullptr) {
    switches_->on_packet(s.stream_id, layer, keyframe, packet.marker(), packet.timestamp(),
                         probe->sent_us, now);
  }
  auto& bits = s.seen[static_cast<std::size_t>(layer)];
  const std::size_t word = probe->number / 64;
  if (word >= bits.size()) bits.resize(word + 1 + word / 2, 0);
  const std::uint64_t bit = std::uint64_t{1} << (probe->number % 64);
  if ((bits[word] & bit) != 0) return;  // the same packet again
  bits[word] |= bit;
  ++s.packets;
  if (retransmission) ++s.retransmissions;
  if (!window_.contains(probe->sent_us)) return;
  // Latency of first transmissions only: a recovered packet measures the NACK round trip.
  if (!retransmission) latency_.add(now - probe->sent_us);
  if (s.first_in_window == 0) {
    s.first_in_window = now;
  } else if (s.video) {
    const TimeUs gap = now - s.last_in_window;
    if (gap > kFreezeGapUs) ++s.freezes;
    s.longest_gap = std::max(s.longest_gap, gap);
  }
  s.last_in_window = std::max(s.last_in_window, now);
}

void MediaSink::on_rtcp(std::span<const std::uint8_t> compound, TimeUs now) {
  const auto packets = rtcp::parse_rtcp(compound);
  if (!packets) return;
  for (const auto& packet : *packets) {
    const auto* sr = std::get_if<rtcp::SenderReport>(&packet);
    if (sr == nullptr) continue;
    if (const auto it = tracks_.find(sr->ssrc); it != tracks_.end()) {
      it->second.last_sr = static_cast<std::uint32_t>(sr->ntp_time >> 16);
      it->second.last_sr_at = now;
    }
  }
}

void MediaSink::send_reports(ClientTransport& transport, TimeUs now) {
  for (auto& [ssrc, track] : tracks_) {
    // RFC 3550 §6.4: blocks for the sources heard from since the last report.
    const auto highest = track.nack.highest();
    if (!highest || *highest == track.reported_highest) continue;
    const auto abandoned = track.nack.counters().abandoned;
    rtcp::ReportBlock block;
    block.ssrc = ssrc;
    // Loss after repair: what was given up (RFC 3550 §6.4.1 counts late and repaired packets as
    // received).
    const std::int64_t expected =
        track.reported_highest < 0 ? 0 : *highest - track.reported_highest;
    const auto lost = abandoned - track.reported_abandoned;
    if (expected > 0 && lost > 0) {
      block.fraction_lost = static_cast<std::uint8_t>(
          std::min<std::uint64_t>(255, (lost << 8) / static_cast<std::uint64_t>(expected)));
    }
    block.cumulative_lost = static_cast<std::int32_t>(std::min<std::uint64_t>(abandoned, 0x7FFFFF));
    block.highest_seq = static_cast<std::uint32_t>(*highest);
    if (track.last_sr_at != 0) {
      block.last_sr = track.last_sr;
      const TimeUs held = std::max<TimeUs>(0, now - track.last_sr_at - kDlsrShortfallUs);
      block.delay_since_last_sr = static_cast<std::uint32_t>(held * 65536 / 1'000'000);
    }
    track.reported_highest = *highest;
    track.reported_abandoned = abandoned;
    // One report block per packet: Janus reads only the first block of a report, and picks the
    // stream a compound packet is about by that block's SSRC.
    const rtcp::RtcpPacket rr = rtcp::ReceiverReport{own_ssrc_, {block}};
    if (transport.send_rtcp(rtcp::serialize_rtcp(std::span(&rr, 1)))) ++counters_.reports;
  }
}

void MediaSink::on_tick(ClientTransport& transport, TimeUs now) {
  if (!transport.media_ready()) return;
  if (now >= next_reports_) {
    send_reports(transport, now);
    next_reports_ = now + kReportIntervalUs;
  }
  if (twcc_.feedback_due(now)) {
    for (auto& feedback : twcc_.build_feedback(now)) {
      const rtcp::RtcpPacket packet = std::move(feedback);
      if (transport.send_rtcp(rtcp::serialize_rtcp(std::span(&packet, 1)))) ++counters_.feedbacks;
    }
  }
  for (auto& [ssrc, track] : tracks_) {
    due_.clear();
    const std::size_t given_up = track.nack.due(now, due_);
    if (!due_.empty()) {
      const rtcp::RtcpPacket nack = rtcp::Nack{own_ssrc_, ssrc, due_};
      if (transport.send_rtcp(rtcp::serialize_rtcp(std::span(&nack, 1)))) ++counters_.nack_packets;
    }
    // A browser that cannot recover a video packet cannot decode on: it asks for a keyframe.
    if (given_up > 0 && track.video) {
      const rtcp::RtcpPacket pli = rtcp::Pli{own_ssrc_, ssrc};
      if (transport.send_rtcp(rtcp::serialize_rtcp(std::span(&pli, 1)))) ++counters_.plis;
    }
  }
}

NackCounters MediaSink::nack_counters() const {
  NackCounters total;
  for (const auto& [ssrc, track] : tracks_) {
    const auto& c = track.nack.counters();
    total.gaps_detected += c.gaps_detected;
    total.requested += c.requested;
    total.recovered += c.recovered;
    total.abandoned += c.abandoned;
    total.duplicates += c.duplicates;
  }
  return total;
}

}  // namespace bailanys::load
