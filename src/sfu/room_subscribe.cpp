// The receive side of a room: one slot (m-section) per track a subscriber receives, the
// server's offers as tracks come and go, the browser's answers, and its RTCP (NACK, PLI/FIR).
#include "common/random.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/header_extensions.hpp"
#include "sdp/offer.hpp"
#include "sdp/sdp_parser.hpp"
#include "sfu/remote_parameters.hpp"
#include "sfu/room.hpp"
#include "sfu/room_participant.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <strings.h>

namespace bailanys::sfu {

namespace rtcp = rtc::rtcp;

namespace {

std::uint32_t random_ssrc() { return random_below(0xFFFFFFF0U) + 1; }

sdp::Codec codec(std::uint8_t pt, const char* name, std::uint32_t rate, std::uint8_t channels,
                 std::string fmtp, std::vector<std::string> feedback) {
  sdp::Codec c;
  c.payload_type = pt;
  c.name = name;
  c.clock_rate = rate;
  c.channels = channels;
  c.fmtp = std::move(fmtp);
  c.feedback = std::move(feedback);
  return c;
}

// Opus, with G.711 for publishers that offered no Opus (their packets are forwarded as they are).
std::vector<sdp::Codec> receive_audio_codecs() {
  auto codecs = sdp::default_subscriber_audio_codecs();
  codecs.push_back(codec(0, "PCMU", 8000, 1, "", {}));
  codecs.push_back(codec(8, "PCMA", 8000, 1, "", {}));
  return codecs;
}

// Only the room's codec (and its RTX).
std::vector<sdp::Codec> receive_video_codecs(const std::string& room_codec) {
  const auto all = sdp::default_subscriber_video_codecs();
  std::vector<sdp::Codec> out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (strcasecmp(all[i].name.c_str(), room_codec.c_str()) != 0) continue;
    out.push_back(all[i]);
    if (i + 1 < all.size() && sdp::rtx_apt(all[i + 1]) == all[i].payload_type)
      out.push_back(all[i + 1]);
  }
  return out;
}

}  // namespace

void Room::subscribe(Participant& subscriber, PublishedTrack& track) {
  if (!subscriber.receive) return;
  // Reuse an m-section the browser has already answered as inactive (same kind), so the offer
  // does not grow with every track that ever existed.
  ReceiveSlot* slot = nullptr;
  for (auto& s : subscriber.slots) {
    if (!s.down && s.reusable && s.kind == track.kind) {
      slot = &s;
      break;
    }
  }
  if (slot == nullptr) {
    if (subscriber.slots.size() >= options_.max_receive_sections) {
      spdlog::warn("room {}: {} cannot receive {}'s {}: its offer is at {} m-sections", id_,
                   subscriber.id, track.publisher_id, track.source, subscriber.slots.size());
      return;
    }
    subscriber.slots.push_back({});
    slot = &subscriber.slots.back();
    slot->mid = "t" + std::to_string(subscriber.next_mid++);
    slot->kind = track.kind;
  }
  slot->reusable = false;
  const std::optional<std::uint32_t> rtx =
      track.video() ? std::optional(random_ssrc()) : std::nullopt;
  slot->down =
      std::make_unique<DownTrack>(track, *subscriber.receive, slot->mid, random_ssrc(), rtx);
  slot->down->set_send_side(subscriber.send.get());
  track.down_tracks.push_back(slot->down.get());
  subscriber.offer_dirty = true;
  subscriber.allocation_dirty = true;
}

void Room::unsubscribe(Participant& subscriber, DownTrack& down) {
  if (PublishedTrack* track = down.track()) std::erase(track->down_tracks, &down);
  down.detach();
  subscriber.offer_dirty = true;
  subscriber.allocation_dirty = true;
}

void Room::flush_offers() {
  for (auto& [id, p] : participants_) {
    if (p->offer_dirty && !p->offer_outstanding && p->receive) send_offer(*p);
  }
}

void Room::send_offer(Participant& p) {
  // Slots whose track went away while detached DownTracks still sit in them.
  for (auto& slot : p.slots) {
    if (slot.down && slot.down->track() == nullptr) slot.down.reset();
  }
  std::vector<sdp::OfferedTrack> tracks;
  RoomEvent e;
  e.type = RoomEvent::Type::SubscribeOffer;
  e.room_id = id_;
  e.participant_id = p.id;
  e.version = ++p.offer_version;
  for (auto& slot : p.slots) {
    sdp::OfferedTrack t;
    t.mid = slot.mid;
    t.kind = slot.kind;
    slot.inactive_in_last_offer = !slot.down;
    if (slot.down) {
      const PublishedTrack& track = *slot.down->track();
      t.ssrc = slot.down->ssrc();
      t.rtx_ssrc = slot.down->rtx_ssrc();
      t.cname = track.publisher_id;
      t.stream_id = track.publisher_id;
      t.track_id = track.publisher_id + "-" + track.source;
      if (slot.down->offered_in == 0) slot.down->offered_in = e.version;
      e.tracks.push_back({slot.mid, track.publisher_id, track.source, track.video()});
    } else {
      t.active = false;
    }
    tracks.push_back(std::move(t));
  }
  sdp::OfferOptions options;
  options.transport.ice_ufrag = p.receive->local_ice().ufrag;
  options.transport.ice_pwd = p.receive->local_ice().pwd;
  options.transport.fingerprint = {"sha-256", p.receive->local_fingerprint()};
  options.transport.candidates = host_.room_candidates();
  options.audio_codecs = receive_audio_codecs();
  options.video_codecs = receive_video_codecs(options_.video_codec);
  options.extmaps = sdp::default_subscriber_extmaps();
  options.session_id = p.receive_session_id;
  options.session_version = e.version;
  if (const auto problem = sdp::subscriber_offer_problem(tracks, options); !problem.empty()) {
    spdlog::error("room {}: cannot make an offer for {}: {}", id_, p.id, problem);
    p.offer_dirty = false;
    return;
  }
  p.last_offer = sdp::create_subscriber_offer(tracks, options);
  e.sdp = sdp::serialize_sdp(*p.last_offer);
  p.offer_outstanding = true;
  p.offer_dirty = false;
  host_.emit(std::move(e));
}

void Room::subscribe_answer(const std::string& participant_id, const std::string& answer_sdp,
                            std::uint64_t version, TimeMs now) {
  Participant* p = find(participant_id);
  if (p == nullptr || !p->offer_outstanding || !p->last_offer || version != p->offer_version) {
    return error(participant_id, "invalid_message",
                 "that answer is not for the latest media.subscribeOffer", "media.subscribeAnswer");
  }
  // A refused answer ends that offer: the browser is told why and gets a new offer rather than
  // none ever again. A client that keeps answering badly is held back by the hub's rate limit
  // on media messages.
  const auto refuse = [&](std::string message) {
    p->offer_outstanding = false;
    p->offer_dirty = true;
    error(participant_id, "invalid_sdp", std::move(message), "media.subscribeAnswer");
    flush_offers();
  };
  auto parsed = sdp::parse_sdp(answer_sdp);
  if (!parsed.description) {
    return refuse(
        fmt::format("the answer is not valid SDP (line {}: {})", parsed.error_line, parsed.error));
  }
  const auto result = sdp::apply_subscriber_answer(*p->last_offer, *parsed.description);
  if (!result.answer) return refuse("the answer does not fit the offer: " + result.error);
  const sdp::SubscriberAnswer& answer = *result.answer;
  if (!p->receive_remote_set) {
    p->receive->set_remote_parameters(remote_parameters(answer.remote), now);
    p->receive_remote_set = true;
  }
  // One BUNDLE group: the transport-wide sequence number has one id in every section.
  for (const auto& section : answer.sections) {
    for (const auto& ext : section.extmaps) {
      if (ext.uri == rtc::rtp::kTransportCcUri && ext.id <= 14) p->send->set_extension_id(ext.id);
    }
  }
  // sections[0] is the probe; slot i is m-section i + 1. Slots added after this offer went out
  // are not in it and wait for the next one.
  std::vector<ReceiveSlot*> fresh_video;
  for (std::size_t i = 1; i < answer.sections.size() && i - 1 < p->slots.size(); ++i) {
    ReceiveSlot& slot = p->slots[i - 1];
    const auto& section = answer.sections[i];
    if (slot.inactive_in_last_offer && !slot.down) slot.reusable = true;
    if (!slot.down || slot.down->offered_in == 0 || slot.down->offered_in > version) continue;
    if (section.direction == sdp::Direction::SendOnly) {
      if (!slot.down->negotiated()) {
        slot.down->configure(section);
        // A new video starts paused and the allocation below decides at once whether the
        // downlink has room for it: started at layer 0 and paused 50 ms later, a newcomer to
        // a meeting of 1 Mbit/s cameras showed each one's first frame and then froze it until
        // the estimate had grown (docs/ALLOCATOR.md, "New tracks").
        if (slot.down->video()) {
          slot.down->set_target_layer(-1);
          fresh_video.push_back(&slot);
        }
        p->allocation_dirty = true;
      }
    } else {
      spdlog::info("room {}: {} refused {} (mid {})", id_, p->id,
                   slot.down->track() != nullptr ? slot.down->track()->source : "a track",
                   slot.mid);
      unsubscribe(*p, *slot.down);
      slot.down.reset();
    }
  }
  if (!fresh_video.empty()) {
    allocate(*p, now);
    // A publisher that sends nothing yet leaves the choice open (reason None, no layer): such
    // a track waits for its first keyframe of layer 0, as it did before the allocator.
    for (ReceiveSlot* slot : fresh_video) {
      const auto r = std::find_if(p->receiving.begin(), p->receiving.end(),
                                  [&](const ReceivingTrack& t) { return t.mid == slot->mid; });
      const bool undecided = r == p->receiving.end() || r->paused == PauseReason::None;
      if (undecided && slot->down && slot->down->target_layer() < 0 &&
          slot->down->track() != nullptr) {
        const auto& layers = slot->down->track()->layers;
        const bool any_active = std::any_of(layers.begin(), layers.end(),
                                            [&](const TrackLayer& l) { return l.active(now); });
        if (!any_active) slot->down->set_target_layer(0);
      }
    }
    // A new track on a connected transport gets a picture quickly (on a new transport, the
    // request goes out when DTLS is up: on_timer).
    if (p->receive->state() == rtc::transport::TransportState::Connected) {
      for (ReceiveSlot* slot : fresh_video) {
        PublishedTrack* track = slot->down ? slot->down->track() : nullptr;
        if (track != nullptr && slot->down->target_layer() >= 0) {
          request_keyframe(*track, slot->down->target_layer(), now, true);
        }
      }
    }
  }
  p->offer_outstanding = false;
  flush_offers();
}

Room::ReceiveSlot* Room::slot_by_ssrc(Participant& p, std::uint32_t ssrc) {
  for (auto& slot : p.slots) {
    if (slot.down && slot.down->ssrc() == ssrc) return &slot;
  }
  return nullptr;
}

void Room::on_subscriber_rtcp(Participant& p, std::span<const std::uint8_t> compound, TimeMs now) {
  const auto packets = rtcp::parse_rtcp(compound);
  if (!packets) return;
  for (const auto& packet : *packets) {
    if (const auto* nack = std::get_if<rtcp::Nack>(&packet)) {
      ReceiveSlot* slot = slot_by_ssrc(p, nack->media_ssrc);
      if (slot == nullptr) continue;
      for (const auto seq : nack->lost) {
        const std::size_t size = slot->down->retransmit(seq, now, writable());
        if (size == 0) continue;
        const bool same_ssrc = scratch_has_ssrc_of(*slot->down, size);
        if (send_down(*slot->down, size, steady_now_us(), -1, same_ssrc)) ++counters_.retransmitted;
      }
    } else if (const auto* pli = std::get_if<rtcp::Pli>(&packet)) {
      ReceiveSlot* slot = slot_by_ssrc(p, pli->media_ssrc);
      if (slot != nullptr && slot->down->track() != nullptr && slot->down->current_layer() >= 0) {
        request_keyframe(*slot->down->track(), slot->down->current_layer(), now, false);
      }
    } else if (const auto* feedback = std::get_if<rtcp::TransportFeedback>(&packet)) {
      p.send->on_feedback(*feedback, steady_now_us());
    } else if (const auto* rr = std::get_if<rtcp::ReceiverReport>(&packet)) {
      for (const auto& block : rr->reports) {
        if (slot_by_ssrc(p, block.ssrc) != nullptr) p.send->on_report_block(block, now);
      }
    } else if (const auto* fir = std::get_if<rtcp::Fir>(&packet)) {
      for (const auto& entry : fir->entries) {
        ReceiveSlot* slot = slot_by_ssrc(p, entry.ssrc);
        if (slot != nullptr && slot->down->track() != nullptr && slot->down->current_layer() >= 0) {
          request_keyframe(*slot->down->track(), slot->down->current_layer(), now, false);
        }
      }
    }
  }
}

}  // namespace bailanys::sfu
