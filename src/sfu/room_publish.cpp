// The publish side of a room: answering a participant's offer, keeping its tracks in step with
// its m-sections, and fanning its packets out to the subscribers.
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/header_extensions.hpp"
#include "sdp/sdp_parser.hpp"
#include "sfu/remote_parameters.hpp"
#include "sfu/room.hpp"
#include "sfu/room_participant.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace bailanys::sfu {

namespace rtp = rtc::rtp;
namespace rtcp = rtc::rtcp;

namespace {

sdp::CodecPolicy publish_policy(const std::string& video_codec) {
  sdp::CodecPolicy policy;
  policy.audio = {"opus", "PCMU", "PCMA"};
  policy.video = {video_codec};  // one codec per room: every subscriber decodes what anyone sends
  // We do not NACK publishers yet (subscribers' NACKs are answered from our own buffer), so no
  // RTX from them; keyframes are requested with PLI (FIR for the few senders that want it).
  policy.accept_rtx = false;
  // transport-cc: we send the publisher transport-wide feedback (TwccRecorder), so its
  // congestion controller adapts the uplink; the RID extension names simulcast layers.
  policy.feedback = {"nack pli", "ccm fir", "transport-cc"};
  policy.extension_uris = {std::string(rtp::kMidUri), std::string(rtp::kRidUri),
                           std::string(rtp::kAudioLevelUri), std::string(rtp::kVideoOrientationUri),
                           std::string(rtp::kTransportCcUri)};
  return policy;
}

sdp::Direction receive_only(const sdp::MediaSection& offered) {
  return offered.direction == sdp::Direction::SendOnly ||
                 offered.direction == sdp::Direction::SendRecv
             ? sdp::Direction::RecvOnly
             : sdp::Direction::Inactive;
}

// Each named track must be an m-section of the offer that sends, of the source's kind: a
// microphone is audio, a camera or a screen video.
std::string sources_problem(const sdp::Answer& answer, const TrackSources& sources) {
  for (const auto& entry : sources) {
    const std::string& mid = entry.first;
    const std::string& source = entry.second;
    const auto section = std::find_if(answer.sections.begin(), answer.sections.end(),
                                      [&mid](const auto& s) { return s.mid == mid; });
    if (section == answer.sections.end() || section->direction != sdp::Direction::RecvOnly) {
      return fmt::format("tracks names mid {}, which the offer does not send", mid);
    }
    const auto kind = source == "mic" ? sdp::MediaKind::Audio : sdp::MediaKind::Video;
    if (section->kind != kind) {
      return fmt::format("mid {} is {}, not a {}", mid, sdp::to_string(section->kind), source);
    }
  }
  return {};
}

}  // namespace

void Room::publish(const std::string& participant_id, const std::string& offer_sdp,
                   const TrackSources& sources, TimeMs now) {
  Participant* p = find(participant_id);
  if (p == nullptr) {
    return error(participant_id, "invalid_message", "send media.join before media.publish",
                 "media.publish");
  }
  auto parsed = sdp::parse_sdp(offer_sdp);
  if (!parsed.description) {
    return error(
        participant_id, "invalid_sdp",
        fmt::format("the offer is not valid SDP (line {}: {})", parsed.error_line, parsed.error),
        "media.publish");
  }
  const bool first = !p->publish;
  if (first) {
    p->publish_hook = std::make_unique<TransportHook>(*this, *p, true);
    p->publish = host_.create_transport(*p->publish_hook);
  }
  sdp::AnswerOptions options;
  options.transport.ice_ufrag = p->publish->local_ice().ufrag;
  options.transport.ice_pwd = p->publish->local_ice().pwd;
  options.transport.fingerprint = {"sha-256", p->publish->local_fingerprint()};
  options.transport.candidates = host_.room_candidates();
  options.codecs = publish_policy(options_.video_codec);
  options.direction = receive_only;
  options.session_id = p->publish_session_id;
  options.session_version = ++p->publish_version;
  const auto result = sdp::create_answer(*parsed.description, options);
  if (!result.answer) {
    if (first) host_.destroy_transport(std::move(p->publish));
    return error(participant_id, "invalid_sdp", "the offer cannot be answered: " + result.error,
                 "media.publish");
  }
  const sdp::Answer& answer = *result.answer;
  if (auto problem = sources_problem(answer, sources); !problem.empty()) {
    if (first) host_.destroy_transport(std::move(p->publish));
    return error(participant_id, "invalid_message", std::move(problem), "media.publish");
  }
  if (first) {
    p->publish->set_remote_parameters(remote_parameters(answer.remote), now);
  }
  p->publish_ids = {};
  for (const auto& section : answer.sections) {
    for (const auto& ext : section.extmaps)
      rtp::assign_extension_id(p->publish_ids, ext.uri, ext.id);
  }
  if (p->publish_ids.transport_cc != 0 && !p->twcc) {
    bwe::TwccRecorderConfig twcc;
    twcc.sender_ssrc = rtcp_ssrc_;
    p->twcc = std::make_unique<bwe::TwccRecorder>(twcc);
  }
  reconcile_tracks(*p, answer.sections, sources);

  RoomEvent e;
  e.type = RoomEvent::Type::PublishAnswer;
  e.room_id = id_;
  e.participant_id = participant_id;
  e.sdp = sdp::serialize_sdp(answer.description);
  host_.emit(std::move(e));
  flush_offers();
}

namespace {

// Simulcast layers from the lowest to the highest quality. The rids browsers are told to use
// (ours: q, h, f) and the common l/m/h say which is which; other names keep the offer's order.
int rid_rank(const std::string& rid) {
  static constexpr std::array<std::string_view, 6> kLow = {"q", "l", "low", "0", "quarter", "lo"};
  static constexpr std::array<std::string_view, 5> kMid = {"h", "m", "mid", "1", "half"};
  static constexpr std::array<std::string_view, 5> kHigh = {"f", "high", "2", "full", "hi"};
  const auto in = [&rid](const auto& names) {
    return std::find(names.begin(), names.end(), rid) != names.end();
  };
  if (in(kLow)) return 0;
  if (in(kMid)) return 1;
  if (in(kHigh)) return 2;
  return 3;
}

std::vector<TrackLayer> layers_for(const sdp::NegotiatedSection& section) {
  std::vector<TrackLayer> layers;
  for (const auto& rid : section.remote_rids) {
    TrackLayer layer;
    layer.rid = rid.id;
    layers.push_back(std::move(layer));
  }
  std::stable_sort(layers.begin(), layers.end(), [](const TrackLayer& a, const TrackLayer& b) {
    return rid_rank(a.rid) < rid_rank(b.rid);
  });
  if (layers.empty()) layers.resize(1);
  return layers;
}

bool same_rids(const std::vector<TrackLayer>& a, const std::vector<TrackLayer>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const TrackLayer& x, const TrackLayer& y) { return x.rid == y.rid; });
}

// The frame size a VP8 keyframe starts with (RFC 6386 §9.1), after the payload descriptor.
std::optional<std::pair<std::uint32_t, std::uint32_t>> vp8_keyframe_size(
    std::span<const std::uint8_t> payload) {
  const auto descriptor = rtp::parse_vp8(payload);
  if (!descriptor || descriptor->header_size + 10 > payload.size()) return std::nullopt;
  const auto frame = payload.subspan(descriptor->header_size);
  if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a) return std::nullopt;
  const std::uint32_t width = (frame[6] | (frame[7] << 8)) & 0x3FFFU;
  const std::uint32_t height = (frame[8] | (frame[9] << 8)) & 0x3FFFU;
  return std::pair(width, height);
}

}  // namespace

void Room::forget_layers(Participant& p, PublishedTrack& track) {
  for (auto& layer : track.layers) {
    if (layer.ssrc == 0) continue;
    p.by_ssrc.erase(layer.ssrc);
    keyframes_.forget(layer.ssrc);
  }
}

void Room::reconcile_tracks(Participant& p, const std::vector<sdp::NegotiatedSection>& sections,
                            const TrackSources& sources) {
  std::vector<std::string> live;
  for (const auto& section : sections) {
    if (section.direction != sdp::Direction::RecvOnly) continue;
    if (section.kind != sdp::MediaKind::Audio && section.kind != sdp::MediaKind::Video) continue;
    const auto source = sources.find(section.mid);
    if (source == sources.end()) {
      spdlog::debug("room {}: {} sends on mid {} without naming its source; ignored", id_, p.id,
                    section.mid);
      continue;
    }
    auto layers = layers_for(section);
    // Without simulcast, the offer may name the SSRC (the first of an FID group is the media).
    std::uint32_t ssrc = 0;
    if (section.remote_rids.empty() && !section.remote_ssrcs.empty()) {
      ssrc = section.remote_ssrcs.front().ssrc;
      for (const auto& group : section.remote_groups) {
        if (group.semantics == "FID" && !group.ssrcs.empty()) ssrc = group.ssrcs.front();
      }
    }
    auto existing = std::find_if(p.tracks.begin(), p.tracks.end(),
                                 [&](const auto& t) { return t->mid == section.mid; });
    if (existing != p.tracks.end() &&
        ((*existing)->kind != section.kind || (*existing)->source != source->second)) {
      remove_track(p, **existing);  // the transceiver now carries something else
      existing = p.tracks.end();
    }
    if (existing != p.tracks.end()) {
      PublishedTrack& track = **existing;
      if (track.codecs != section.codecs) {
        track.codecs = section.codecs;
        ++track.codecs_version;
      }
      if (!same_rids(track.layers, layers)) {
        forget_layers(p, track);
        track.layers = std::move(layers);
      }
      if (ssrc != 0 && ssrc != track.ssrc()) {
        forget_layers(p, track);
        track.layers.front().ssrc = ssrc;
        p.by_ssrc[ssrc] = {&track, 0};
      }
      track.ssrc_signalled = ssrc != 0;
    } else {
      auto track = std::make_unique<PublishedTrack>();
      track->publisher_id = p.id;
      track->mid = section.mid;
      track->source = source->second;
      track->kind = section.kind;
      track->codecs = section.codecs;
      track->layers = std::move(layers);
      track->layers.front().ssrc = ssrc;
      track->ssrc_signalled = ssrc != 0;
      add_track(p, std::move(track));
    }
    live.push_back(section.mid);
  }
  std::vector<PublishedTrack*> gone;
  for (auto& track : p.tracks) {
    if (std::find(live.begin(), live.end(), track->mid) == live.end()) gone.push_back(track.get());
  }
  for (auto* track : gone) remove_track(p, *track);
}

void Room::add_track(Participant& p, std::unique_ptr<PublishedTrack> track) {
  PublishedTrack& added = *track;
  if (added.ssrc() != 0) p.by_ssrc[added.ssrc()] = {&added, 0};
  p.tracks.push_back(std::move(track));
  spdlog::info("room {}: {} publishes {} ({}, mid {}, {} layer{})", id_, p.id, added.source,
               added.video() ? "video" : "audio", added.mid, added.layers.size(),
               added.layers.size() == 1 ? "" : "s");
  for (auto& [id, other] : participants_) {
    if (other.get() != &p) subscribe(*other, added);
  }
}

void Room::remove_track(Participant& p, PublishedTrack& track) {
  spdlog::info("room {}: {} stops publishing {} (mid {})", id_, p.id, track.source, track.mid);
  for (auto* down : std::vector<DownTrack*>(track.down_tracks)) {
    for (auto& [id, other] : participants_) {
      for (auto& slot : other->slots) {
        if (slot.down.get() == down) {
          slot.down.reset();
          other->offer_dirty = true;
          other->allocation_dirty = true;
        }
      }
    }
  }
  track.down_tracks.clear();
  forget_layers(p, track);
  std::erase_if(p.tracks, [&](const auto& t) { return t.get() == &track; });
}

Room::StreamRef Room::track_for(Participant& p, const rtp::RtpPacket& packet) {
  const auto it = p.by_ssrc.find(packet.ssrc());
  if (it != p.by_ssrc.end()) return it->second;
  // A new SSRC: the RID header extension names a simulcast layer (RFC 8852), the MID one the
  // m-section (RFC 8843 §15) when the offer gave no a=ssrc.
  const auto mid = rtp::read_mid(packet, p.publish_ids);
  const auto rid = rtp::read_rid(packet, p.publish_ids);
  for (auto& track : p.tracks) {
    if (mid && track->mid != *mid) continue;
    if (!mid && !rid) continue;
    int index = 0;
    if (track->simulcast()) {
      if (!rid) continue;
      const auto layer = std::find_if(track->layers.begin(), track->layers.end(),
                                      [&rid](const TrackLayer& l) { return l.rid == *rid; });
      if (layer == track->layers.end()) continue;
      index = static_cast<int>(layer - track->layers.begin());
    } else if (!mid || track->ssrc_signalled) {
      // Only a track whose SSRC the offer did not give follows the MID (a new SSRC there is a
      // restart of the stream): a stray stream must not take over one the offer named.
      continue;
    }
    TrackLayer& layer = track->layers[static_cast<std::size_t>(index)];
    if (layer.ssrc != 0) {
      p.by_ssrc.erase(layer.ssrc);
      keyframes_.forget(layer.ssrc);
    }
    layer = TrackLayer{layer.rid};
    layer.ssrc = packet.ssrc();
    p.by_ssrc[packet.ssrc()] = {track.get(), index};
    // A new layer (or a restarted one): every subscriber of the track may now choose it.
    for (auto& [other_id, other] : participants_) other->allocation_dirty = true;
    return {track.get(), index};
  }
  return {};
}

void Room::on_publisher_rtp(Participant& p, rtp::RtpPacket& packet, TimeMs now) {
  ++counters_.rtp_in;
  const std::int64_t now_us = steady_now_us();  // arrival, and the send time of the fan-out
  if (p.twcc) {
    if (const auto seq = rtp::read_transport_cc(packet, p.publish_ids))
      p.twcc->record(*seq, now_us);
  }
  const StreamRef ref = track_for(p, packet);
  if (ref.track == nullptr) {
    ++counters_.rtp_unknown_stream;
    return;
  }
  PublishedTrack* track = ref.track;
  TrackLayer& layer = track->layers[static_cast<std::size_t>(ref.layer)];
  ++track->packets;
  count_received(layer, packet, now);
  bool keyframe = false;
  if (track->video()) {
    if (const auto* codec = track->codec(packet.payload_type())) {
      if (const auto kind = rtp::video_codec_from_name(codec->name)) {
        keyframe = rtp::is_keyframe(*kind, packet.payload());
        if (keyframe && *kind == rtp::VideoCodec::Vp8) {
          if (const auto size = vp8_keyframe_size(packet.payload())) {
            layer.width = size->first;
            layer.height = size->second;
          }
        }
      }
    }
    if (keyframe) keyframes_.satisfied(layer.ssrc);
  } else if (const auto level = rtp::read_audio_level(packet, p.publish_ids)) {
    speakers_.on_audio_level(p.key, level->level, level->voice, now);
  }
  for (DownTrack* down : track->down_tracks) {
    // Nothing goes out before the subscriber's DTLS is up: a keyframe sent into the void would
    // leave it waiting for the next one.
    if (!down->negotiated() ||
        down->output().state() != rtc::transport::TransportState::Connected) {
      continue;
    }
    const std::size_t size =
        down->forward(packet, ref.layer, p.publish_ids, keyframe, now, writable());
    if (size != 0 && send_down(*down, size, now_us)) ++counters_.rtp_out;
  }
}

void Room::count_received(TrackLayer& layer, const rtp::RtpPacket& packet, TimeMs now) {
  ++layer.packets;
  layer.bytes += packet.payload().size();
  layer.last_packet_at = now;
  // Extended highest sequence number (RFC 3550 A.1, without probation: for loss figures only).
  const std::uint16_t seq = packet.sequence();
  if (!layer.seq_started) {
    layer.seq_started = true;
    layer.highest_seq = seq;
    layer.first_seq = seq;
    return;
  }
  const auto delta = static_cast<std::int16_t>(seq - static_cast<std::uint16_t>(layer.highest_seq));
  if (delta > 0) layer.highest_seq += delta;
}

void Room::on_publisher_rtcp(Participant& p, std::span<const std::uint8_t> compound, TimeMs now) {
  const auto packets = rtcp::parse_rtcp(compound);
  if (!packets) return;
  for (const auto& packet : *packets) {
    const auto* sr = std::get_if<rtcp::SenderReport>(&packet);
    if (sr == nullptr) continue;
    const auto it = p.by_ssrc.find(sr->ssrc);
    if (it == p.by_ssrc.end()) continue;
    // Each subscriber gets the publisher's timing under its own SSRC and timestamps, so audio
    // and video of one participant stay in sync (RFC 3550 §6.4.1).
    for (DownTrack* down : it->second.track->down_tracks) {
      const auto report = down->sender_report(*sr);
      if (!report) continue;
      const rtcp::RtcpPacket out = *report;
      send_rtcp(down->output(), rtcp::serialize_rtcp(std::span(&out, 1)));
      if (down->send_side() != nullptr) down->send_side()->on_sender_report(*report, now);
      ++counters_.sender_reports;
    }
  }
}

void Room::request_keyframe(PublishedTrack& track, int layer, TimeMs now, bool waiting) {
  if (!track.video() || layer < 0 || static_cast<std::size_t>(layer) >= track.layers.size()) return;
  const std::uint32_t ssrc = track.layers[static_cast<std::size_t>(layer)].ssrc;
  if (ssrc == 0) return;
  // A request the publisher cannot receive yet would only use up the interval; the timer asks
  // again for every subscriber still waiting once it can.
  Participant* publisher = find(track.publisher_id);
  if (publisher == nullptr || !publisher->publish ||
      publisher->publish->state() != rtc::transport::TransportState::Connected) {
    return;
  }
  // Per publisher as well as per stream: layer switches of many subscribers must not turn into
  // a keyframe storm from one sender (docs/ALLOCATOR.md).
  if (now - publisher->last_keyframe_request < options_.publisher_keyframe_interval_ms) return;
  if (keyframes_.allow(ssrc, now, waiting)) {
    publisher->last_keyframe_request = now;
    send_pli(track, ssrc);
  }
}

void Room::send_pli(PublishedTrack& track, std::uint32_t ssrc) {
  Participant* publisher = find(track.publisher_id);
  if (publisher == nullptr || !publisher->publish) return;
  const rtcp::RtcpPacket pli = rtcp::Pli{rtcp_ssrc_, ssrc};
  send_rtcp(*publisher->publish, rtcp::serialize_rtcp(std::span(&pli, 1)));
  ++counters_.keyframe_requests;
}

}  // namespace bailanys::sfu
