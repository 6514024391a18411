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
  policy.feedback = {"nack pli", "ccm fir"};
  policy.extension_uris = {std::string(rtp::kMidUri), std::string(rtp::kAudioLevelUri),
                           std::string(rtp::kVideoOrientationUri)};
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
    return error(participant_id, "invalid_sdp",
                 fmt::format("the offer is not valid SDP (line {}: {})", parsed.error_line,
                             parsed.error),
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
    for (const auto& ext : section.extmaps) rtp::assign_extension_id(p->publish_ids, ext.uri, ext.id);
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
    std::uint32_t ssrc = 0;
    if (!section.remote_ssrcs.empty()) {
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
      if (ssrc != 0 && ssrc != track.ssrc) {
        p.by_ssrc.erase(track.ssrc);
        keyframes_.forget(track.ssrc);
        track.ssrc = ssrc;
        p.by_ssrc[ssrc] = &track;
      }
      track.ssrc_signalled = ssrc != 0;
    } else {
      auto track = std::make_unique<PublishedTrack>();
      track->publisher_id = p.id;
      track->mid = section.mid;
      track->source = source->second;
      track->kind = section.kind;
      track->codecs = section.codecs;
      track->ssrc = ssrc;
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
  if (added.ssrc != 0) p.by_ssrc[added.ssrc] = &added;
  p.tracks.push_back(std::move(track));
  spdlog::info("room {}: {} publishes {} ({}, mid {})", id_, p.id, added.source,
               added.video() ? "video" : "audio", added.mid);
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
        }
      }
    }
  }
  track.down_tracks.clear();
  if (track.ssrc != 0) {
    p.by_ssrc.erase(track.ssrc);
    keyframes_.forget(track.ssrc);
  }
  std::erase_if(p.tracks, [&](const auto& t) { return t.get() == &track; });
}

PublishedTrack* Room::track_for(Participant& p, const rtp::RtpPacket& packet) {
  const auto it = p.by_ssrc.find(packet.ssrc());
  if (it != p.by_ssrc.end()) return it->second;
  // No a=ssrc in the offer: the MID header extension names the m-section (RFC 8843 §15).
  const auto mid = rtp::read_mid(packet, p.publish_ids);
  if (!mid) return nullptr;
  for (auto& track : p.tracks) {
    // Only a track whose SSRC the offer did not give follows the MID (a new SSRC there is a
    // restart of the stream): a stray stream must not take over one the offer named.
    if (track->mid != *mid || track->ssrc_signalled) continue;
    if (track->ssrc != 0) {
      p.by_ssrc.erase(track->ssrc);
      keyframes_.forget(track->ssrc);
    }
    track->ssrc = packet.ssrc();
    p.by_ssrc[packet.ssrc()] = track.get();
    return track.get();
  }
  return nullptr;
}

void Room::on_publisher_rtp(Participant& p, rtp::RtpPacket& packet, TimeMs now) {
  ++counters_.rtp_in;
  PublishedTrack* track = track_for(p, packet);
  if (track == nullptr) {
    ++counters_.rtp_unknown_stream;
    return;
  }
  ++track->packets;
  bool keyframe = false;
  if (track->video()) {
    if (const auto* codec = track->codec(packet.payload_type())) {
      if (const auto kind = rtp::video_codec_from_name(codec->name)) {
        keyframe = rtp::is_keyframe(*kind, packet.payload());
      }
    }
    if (keyframe) keyframes_.satisfied(track->ssrc);
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
    const std::size_t size = down->forward(packet, p.publish_ids, keyframe, now, writable());
    if (size != 0 && down->output().send_rtp(scratch_, size)) ++counters_.rtp_out;
  }
}

void Room::on_publisher_rtcp(Participant& p, std::span<const std::uint8_t> compound, TimeMs /*now*/) {
  const auto packets = rtcp::parse_rtcp(compound);
  if (!packets) return;
  for (const auto& packet : *packets) {
    const auto* sr = std::get_if<rtcp::SenderReport>(&packet);
    if (sr == nullptr) continue;
    const auto it = p.by_ssrc.find(sr->ssrc);
    if (it == p.by_ssrc.end()) continue;
    // Each subscriber gets the publisher's timing under its own SSRC and timestamps, so audio
    // and video of one participant stay in sync (RFC 3550 §6.4.1).
    for (DownTrack* down : it->second->down_tracks) {
      const auto report = down->sender_report(*sr);
      if (!report) continue;
      const rtcp::RtcpPacket out = *report;
      send_rtcp(down->output(), rtcp::serialize_rtcp(std::span(&out, 1)));
      ++counters_.sender_reports;
    }
  }
}

void Room::request_keyframe(PublishedTrack& track, TimeMs now) {
  if (!track.video() || track.ssrc == 0) return;
  // A request the publisher cannot receive yet would only use up the interval; the timer asks
  // again for every subscriber still waiting once it can.
  const Participant* publisher = find(track.publisher_id);
  if (publisher == nullptr || !publisher->publish ||
      publisher->publish->state() != rtc::transport::TransportState::Connected) {
    return;
  }
  if (keyframes_.allow(track.ssrc, now)) send_pli(track);
}

void Room::send_pli(PublishedTrack& track) {
  Participant* publisher = find(track.publisher_id);
  if (publisher == nullptr || !publisher->publish) return;
  const rtcp::RtcpPacket pli = rtcp::Pli{rtcp_ssrc_, track.ssrc};
  send_rtcp(*publisher->publish, rtcp::serialize_rtcp(std::span(&pli, 1)));
  ++counters_.keyframe_requests;
}

}  // namespace bailanys::sfu
