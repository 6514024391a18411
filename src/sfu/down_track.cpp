#include "sfu/down_track.hpp"

#include "common/random.hpp"
#include "sfu/forwarded_packet.hpp"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace bailanys::sfu {

namespace rtp = rtc::rtp;
namespace rtcp = rtc::rtcp;

namespace {

bool same_codec(const sdp::Codec& a, const sdp::Codec& b) {
  return strcasecmp(a.name.c_str(), b.name.c_str()) == 0 && a.clock_rate == b.clock_rate;
}

std::uint32_t clock_rate_of(const PublishedTrack& track) {
  for (const auto& c : track.codecs) {
    if (c.clock_rate > 0 && !rtx_apt(c)) return c.clock_rate;
  }
  return track.video() ? 90000 : 48000;
}

constexpr std::array<std::uint8_t, 2> kTransportSeqPlaceholder = {0, 0};

}  // namespace

DownTrack::DownTrack(PublishedTrack& track, rtc::transport::WebRtcTransport& output,
                     std::string mid, std::uint32_t ssrc, std::optional<std::uint32_t> rtx_ssrc)
    : track_(&track),
      output_(&output),
      mid_(std::move(mid)),
      kind_(track.video() ? MediaKind::Video : MediaKind::Audio),
      ssrc_(ssrc),
      rtx_ssrc_(rtx_ssrc),
      rtx_sequence_(static_cast<std::uint16_t>(random_below(0x10000U))),  // RFC 3550 §5.1
      rewriter_(ssrc, clock_rate_of(track), kind_),
      // Audio is rarely NACKed (Opus has its own loss concealment): a short history is enough.
      sent_(track.video() ? 1024 : 64, 1000) {}

void DownTrack::configure(const sdp::NegotiatedSection& section) {
  accepted_ = section.codecs;
  ids_ = {};
  for (const auto& ext : section.extmaps) {
    if (ext.id > 14) continue;  // we write the one-byte form only
    if (ext.uri == rtp::kMidUri) ids_.mid = ext.id;
    if (ext.uri == rtp::kAudioLevelUri) ids_.audio_level = ext.id;
    if (ext.uri == rtp::kAbsSendTimeUri) ids_.abs_send_time = ext.id;
    if (ext.uri == rtp::kVideoOrientationUri) ids_.video_orientation = ext.id;
    if (ext.uri == rtp::kTransportCcUri) ids_.transport_cc = ext.id;
  }
  pt_map_valid_ = false;
  negotiated_ = true;
}

int DownTrack::map_payload_type(std::uint8_t publisher_pt) {
  if (track_ == nullptr) return -1;
  if (!pt_map_valid_ || pt_map_version_ != track_->codecs_version) {
    pt_map_.fill(-1);
    for (const auto& theirs : track_->codecs) {
      if (rtx_apt(theirs)) continue;
      for (const auto& ours : accepted_) {
        if (!rtx_apt(ours) && same_codec(theirs, ours)) {
          pt_map_.at(theirs.payload_type & 0x7F) = ours.payload_type;
          break;
        }
      }
    }
    pt_map_version_ = track_->codecs_version;
    pt_map_valid_ = true;
  }
  return pt_map_.at(publisher_pt & 0x7F);
}

void DownTrack::set_target_layer(int layer, bool now_if_lower) {
  if (kind_ != MediaKind::Video) return;
  if (layer < 0 || (now_if_lower && current_layer_ >= 0 && layer < current_layer_)) {
    if (target_layer_ >= 0) {
      // Paused: the next start is a new source, at a keyframe of whatever layer is wanted then.
      rewriter_.switch_source();
      current_layer_ = -1;
      // And nothing sent so far is resent: a pause or an urgent step down means the link is
      // short, and the old layer's packets are of no use to the decoder any more.
      if (packets_sent_ != 0) {
        has_switch_ = true;
        switch_sequence_ = static_cast<std::uint16_t>(last_sequence_ + 1);
      }
    }
    target_layer_ = layer < 0 ? -1 : layer;
    return;
  }
  target_layer_ = layer;
}

std::size_t DownTrack::forward(const rtp::RtpPacket& packet, int layer,
                               const rtp::ExtensionIds& publisher_ids, bool keyframe, TimeMs now,
                               std::span<std::uint8_t> out) {
  const int pt = map_payload_type(packet.payload_type());
  if (pt < 0) {
    ++counters_.dropped_unmapped_codec;
    return 0;
  }
  bool switched = false;
  if (kind_ == MediaKind::Video) {
    if (target_layer_ < 0) {
      ++counters_.dropped_paused;
      return 0;
    }
    if (layer != current_layer_) {
      if (layer != target_layer_) {
        ++counters_.dropped_other_layer;
        return 0;
      }
      // Only a keyframe of the target layer starts it (RFC 7667 §3.7: a switch point).
      if (!keyframe) {
        ++counters_.dropped_rewrite;
        return 0;
      }
      if (current_layer_ >= 0) ++counters_.layer_switches;
      rewriter_.switch_source();
      current_layer_ = layer;
      switched = true;
    }
  }
  // A padding-only packet (the publisher's bandwidth probe) is relayed as padding: dropping it
  // would leave a hole in the subscriber's sequence numbers that it NACKs in vain.
  const bool padding_only = packet.payload().empty();
  if (padding_only && packet.padding_size() == 0) return 0;
  RewriteDrop drop = RewriteDrop::None;
  const auto rewrite =
      rewriter_.rewrite(packet.ssrc(), packet.sequence(), packet.timestamp(), keyframe, now, drop);
  if (!rewrite) {
    ++counters_.dropped_rewrite;
    return 0;
  }
  if (switched) {
    switch_sequence_ = rewrite->sequence;
    has_switch_ = true;
  }
  ForwardHeader header;
  header.payload_type = static_cast<std::uint8_t>(pt);
  header.marker = packet.marker();
  header.sequence = rewrite->sequence;
  header.timestamp = rewrite->timestamp;
  header.ssrc = ssrc_;
  if (ids_.mid != 0) {
    header.add_extension(
        ids_.mid, std::span(reinterpret_cast<const std::uint8_t*>(mid_.data()), mid_.size()));
  }
  // abs-send-time feeds a receiver-side estimate (REMB) that we do not use once transport-wide
  // feedback is negotiated: its 5 bytes a packet are 2 kbit/s of a weak link's audio.
  const auto send_time = abs_send_time(now);
  if (ids_.abs_send_time != 0 && ids_.transport_cc == 0) {
    header.add_extension(ids_.abs_send_time, send_time);
  }
  if (ids_.audio_level != 0 && publisher_ids.audio_level != 0) {
    header.add_extension(ids_.audio_level, packet.extension(publisher_ids.audio_level));
  }
  if (ids_.video_orientation != 0 && publisher_ids.video_orientation != 0) {
    header.add_extension(ids_.video_orientation, packet.extension(publisher_ids.video_orientation));
  }
  if (ids_.transport_cc != 0) header.add_extension(ids_.transport_cc, kTransportSeqPlaceholder);
  if (padding_only) header.padding = static_cast<std::uint8_t>(packet.padding_size());
  const std::size_t size = write_forwarded_packet(out, header, packet.payload());
  if (size == 0) return 0;
  if (kind_ == MediaKind::Video && !padding_only && is_vp8(packet.payload_type())) {
    const std::size_t payload_at = size - header.padding - packet.payload().size();
    continue_vp8(out.subspan(payload_at, packet.payload().size()), rewrite->source_started);
  }
  sent_.store(rewrite->sequence, out.first(size), now);
  last_header_size_ = size - header.padding - packet.payload().size();
  last_sequence_ = rewrite->sequence;
  last_payload_type_ = header.payload_type;
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(packet.payload().size());
  ++counters_.forwarded;
  return size;
}

bool DownTrack::is_vp8(std::uint8_t publisher_pt) {
  if (vp8_pt_ == publisher_pt) return true;
  if (non_vp8_pt_ == publisher_pt || track_ == nullptr) return false;
  const sdp::Codec* codec = track_->codec(publisher_pt);
  const bool vp8 = codec != nullptr && strcasecmp(codec->name.c_str(), "VP8") == 0;
  (vp8 ? vp8_pt_ : non_vp8_pt_) = publisher_pt;
  return vp8;
}

void DownTrack::continue_vp8(std::span<std::uint8_t> payload, bool source_started) {
  const auto d = rtp::parse_vp8(payload);
  if (!d) return;
  // Each simulcast layer (and a restarted publisher) numbers its pictures on its own: the
  // subscriber's decoder must see one continuous picture id and TL0PICIDX sequence, or it takes
  // the new layer's frames for old ones and waits for a keyframe (RFC 7741 §4.2; RFC 7667 §3.7).
  if (d->picture_id) {
    const std::uint32_t modulus = d->picture_id_15bit ? 0x8000U : 0x80U;
    // The first source keeps its own numbers; a later one continues from them.
    if (!vp8_started_) {
      picture_id_offset_ = 0;
    } else if (source_started) {
      picture_id_offset_ = (last_picture_id_ + 1 + modulus - (*d->picture_id % modulus)) % modulus;
    }
    const auto out_id = static_cast<std::uint16_t>((*d->picture_id + picture_id_offset_) % modulus);
    rtp::rewrite_vp8_picture_id(payload, out_id);
    // The newest picture id (an older one arriving late must not move it back).
    const std::uint32_t ahead = (out_id + modulus - last_picture_id_ % modulus) % modulus;
    if (!vp8_started_ || source_started || (ahead != 0 && ahead < modulus / 2))
      last_picture_id_ = out_id;
  }
  if (d->tl0_pic_idx) {
    if (!vp8_started_) {
      tl0_offset_ = 0;
    } else if (source_started) {
      tl0_offset_ = static_cast<std::uint8_t>(last_tl0_ + 1 - *d->tl0_pic_idx);
    }
    const auto out_tl0 = static_cast<std::uint8_t>(*d->tl0_pic_idx + tl0_offset_);
    rtp::rewrite_vp8_tl0_pic_idx(payload, out_tl0);
    const auto ahead = static_cast<std::uint8_t>(out_tl0 - last_tl0_);
    if (!vp8_started_ || source_started || (ahead != 0 && ahead < 128)) last_tl0_ = out_tl0;
  }
  vp8_started_ = true;
}

bool DownTrack::can_pad() const {
  if (!negotiated_ || !rtx_ssrc_ || kind_ != MediaKind::Video) return false;
  return std::any_of(accepted_.begin(), accepted_.end(),
                     [](const sdp::Codec& c) { return rtx_apt(c).has_value(); });
}

std::size_t DownTrack::padding(std::uint8_t padding, TimeMs now, std::span<std::uint8_t> out) {
  if (!can_pad() || padding == 0) return 0;
  const auto rtx = std::find_if(accepted_.begin(), accepted_.end(),
                                [](const sdp::Codec& c) { return rtx_apt(c).has_value(); });
  ForwardHeader header;
  header.payload_type = rtx->payload_type;
  header.sequence = rtx_sequence_++;
  header.timestamp = 0;
  header.ssrc = *rtx_ssrc_;
  if (ids_.mid != 0) {
    header.add_extension(
        ids_.mid, std::span(reinterpret_cast<const std::uint8_t*>(mid_.data()), mid_.size()));
  }
  const auto send_time = abs_send_time(now);
  if (ids_.abs_send_time != 0 && ids_.transport_cc == 0) {
    header.add_extension(ids_.abs_send_time, send_time);
  }
  if (ids_.transport_cc != 0) header.add_extension(ids_.transport_cc, kTransportSeqPlaceholder);
  header.padding = padding;
  return write_forwarded_packet(out, header, {});
}

void DownTrack::sent_as(std::span<const std::uint8_t> packet) {
  // Only the header changed after forward() stored the copy: the last forwarded packet's.
  if (packet.size() < last_header_size_ || last_header_size_ < 12 || packets_sent_ == 0) return;
  const auto sequence = static_cast<std::uint16_t>((packet[2] << 8) | packet[3]);
  if (sequence != last_sequence_) return;
  sent_.replace_header(sequence, packet.first(last_header_size_));
}

std::size_t DownTrack::retransmit(std::uint16_t sequence, TimeMs now, std::span<std::uint8_t> out) {
  ++counters_.nacked;
  // A packet of the layer left at the last switch: the decoder has moved on to the new one, and
  // on a congested link (the usual reason for a switch) resending it only adds to the queue.
  if (has_switch_ && static_cast<std::int16_t>(sequence - switch_sequence_) < 0) {
    ++counters_.nack_before_switch;
    return 0;
  }
  const auto stored = sent_.find(sequence, now);
  if (stored.empty() || stored.size() + 2 > out.size()) {
    ++counters_.nack_missed;
    return 0;
  }
  const std::uint8_t original_pt = stored[1] & 0x7F;
  std::optional<std::uint8_t> rtx_pt;
  for (const auto& c : accepted_) {
    if (const auto apt = rtx_apt(c); apt && *apt == original_pt) rtx_pt = c.payload_type;
  }
  std::size_t size = 0;
  if (rtx_pt && rtx_ssrc_) {
    // RFC 4588 §4: the RTX stream has its own sequence numbers.
    size = write_rtx_packet(out, stored, *rtx_pt, rtx_sequence_++, *rtx_ssrc_);
  } else {
    std::memcpy(out.data(), stored.data(), stored.size());
    size = stored.size();
  }
  if (size == 0) {
    ++counters_.nack_missed;
    return 0;
  }
  ++counters_.retransmitted;
  return size;
}

std::optional<rtcp::SenderReport> DownTrack::sender_report(
    const rtcp::SenderReport& publisher) const {
  const auto rtp_time = rewriter_.outgoing_rtp_timestamp(publisher.ssrc, publisher.rtp_time);
  if (!rtp_time || packets_sent_ == 0) return std::nullopt;
  rtcp::SenderReport sr;
  sr.ssrc = ssrc_;
  sr.ntp_time = publisher.ntp_time;
  sr.rtp_time = *rtp_time;
  sr.packet_count = packets_sent_;
  sr.octet_count = octets_sent_;
  return sr;
}

}  // namespace bailanys::sfu
