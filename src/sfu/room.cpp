#include "sfu/room.hpp"

#include "common/random.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "sfu/room_participant.hpp"

#include <spdlog/spdlog.h>

#include <cstring>

namespace bailanys::sfu {

namespace {
std::uint64_t random_session_id() {
  // RFC 8866 §5.2 / JSEP §5.2.1: 63 bits.
  return (std::uint64_t{random_below(0x7FFFFFFFU)} << 32) | random_below(0xFFFFFFFFU);
}
}  // namespace

// ---- TransportHook: one per transport, routes its callbacks to the room ----

void Room::TransportHook::on_transport_connected(rtc::transport::WebRtcTransport& transport) {
  const auto profile = transport.srtp_profile();
  spdlog::info("room {}: {} {} transport connected over {} ({})", room_.id_, participant_.id,
               publish_ ? "publish" : "receive",
               transport.active_path() != nullptr && transport.active_path()->tcp ? "TCP" : "UDP",
               profile ? rtc::srtp::to_string(*profile) : "?");
  // A receive transport that connects has video streams waiting for a keyframe: the next timer
  // pass asks the publishers (on_timer).
}

void Room::TransportHook::on_transport_failed(rtc::transport::WebRtcTransport& /*transport*/,
                                              std::string_view reason) {
  participant_.failed = true;
  participant_.failure = std::string(reason);
}

void Room::TransportHook::on_rtp(rtc::transport::WebRtcTransport& /*transport*/,
                                 rtc::rtp::RtpPacket& packet, std::span<std::uint8_t> /*buffer*/,
                                 TimeMs now) {
  if (publish_) room_.on_publisher_rtp(participant_, packet, now);
  // RTP on a receive transport (the browser sends none there) is ignored.
}

void Room::TransportHook::on_rtcp(rtc::transport::WebRtcTransport& /*transport*/,
                                  std::span<const std::uint8_t> compound, TimeMs now) {
  if (publish_) {
    room_.on_publisher_rtcp(participant_, compound, now);
  } else {
    room_.on_subscriber_rtcp(participant_, compound, now);
  }
}

// ---- Room ----

Room::Room(RoomId id, RoomHost& host, RoomOptions options)
    : id_(id),
      host_(host),
      options_(std::move(options)),
      keyframes_(options_.keyframe_interval_ms),
      rtcp_ssrc_(random_below(0xFFFFFFF0U) + 1) {}

Room::~Room() { close(); }

Room::Participant* Room::find(const std::string& participant_id) {
  const auto it = participants_.find(participant_id);
  return it == participants_.end() ? nullptr : it->second.get();
}

void Room::join(const std::string& participant_id, TimeMs /*now*/) {
  if (Participant* old = find(participant_id)) {
    spdlog::info("room {}: {} restarts its media", id_, participant_id);
    remove(*old, false);
  }
  auto p = std::make_unique<Participant>();
  p->id = participant_id;
  p->key = next_key_++;
  p->receive_session_id = random_session_id();
  p->publish_session_id = random_session_id();
  p->receive_hook = std::make_unique<TransportHook>(*this, *p, false);
  p->receive = host_.create_transport(*p->receive_hook);
  p->send = std::make_unique<SendSide>();
  speakers_.add(p->key);
  Participant& joined = *p;
  participants_.emplace(participant_id, std::move(p));
  // Everything already published in the room.
  for (auto& [id, other] : participants_) {
    if (other.get() == &joined) continue;
    for (auto& track : other->tracks) subscribe(joined, *track);
  }
  joined.offer_dirty = true;
  flush_offers();
  if (speaker_) {
    // The newcomer learns who is speaking now (sent to the room: the others already know).
    RoomEvent e;
    e.type = RoomEvent::Type::Speaker;
    e.room_id = id_;
    e.speaker = speaker_;
    host_.emit(std::move(e));
  }
}

void Room::leave(const std::string& participant_id) {
  if (Participant* p = find(participant_id)) remove(*p, false);
  flush_offers();
}

void Room::remove(Participant& p, bool failed) {
  // Its tracks leave every subscriber (their next offers mark them inactive)...
  while (!p.tracks.empty()) remove_track(p, *p.tracks.back());
  // ...and its subscriptions leave the publishers' lists.
  for (auto& slot : p.slots) {
    if (slot.down) unsubscribe(p, *slot.down);
  }
  if (speakers_.remove(p.key) || speaker_ == p.id) {
    speaker_.reset();
    RoomEvent e;
    e.type = RoomEvent::Type::Speaker;
    e.room_id = id_;
    host_.emit(std::move(e));
  }
  if (failed) {
    RoomEvent e;
    e.type = RoomEvent::Type::MediaFailed;
    e.room_id = id_;
    e.participant_id = p.id;
    e.message = p.failure;
    host_.emit(std::move(e));
  }
  destroy_transports(p);
  const std::string id = p.id;
  participants_.erase(id);  // p is gone after this
}

void Room::destroy_transports(Participant& p) {
  if (p.publish) host_.destroy_transport(std::move(p.publish));
  if (p.receive) host_.destroy_transport(std::move(p.receive));
}

void Room::on_timer(TimeMs now) {
  std::vector<std::string> failed;
  for (auto& [id, p] : participants_) {
    if (p->publish) p->publish->on_timer(now);
    if (p->receive) p->receive->on_timer(now);
    if (p->failed) {
      failed.push_back(id);
      continue;
    }
    // "Reconnecting" while consent is missing on a transport that was up (RFC 7675).
    const auto disconnected = [](const auto& t) {
      return t && t->ice_state() == rtc::ice::IceState::Disconnected;
    };
    const bool connected = !disconnected(p->publish) && !disconnected(p->receive);
    if (connected != p->media_connected) {
      p->media_connected = connected;
      RoomEvent e;
      e.type = RoomEvent::Type::MediaState;
      e.room_id = id_;
      e.participant_id = id;
      e.connected = connected;
      host_.emit(std::move(e));
    }
    for (auto& track : p->tracks) {
      if (!track->video()) continue;
      for (const auto& layer : track->layers) {
        if (layer.ssrc != 0 && keyframes_.due(layer.ssrc, now)) send_pli(*track, layer.ssrc);
      }
    }
    send_publisher_feedback(*p);
    const bool receiving =
        p->receive && p->receive->state() == rtc::transport::TransportState::Connected;
    for (auto& slot : p->slots) {
      if (!receiving || !slot.down || !slot.down->negotiated() || slot.down->track() == nullptr)
        continue;
      if (const int layer = slot.down->keyframe_wanted_layer(); layer >= 0) {
        request_keyframe(*slot.down->track(), layer, now, true);
      }
    }
  }
  for (const auto& id : failed) {
    if (Participant* p = find(id)) {
      spdlog::info("room {}: {} lost its media: {}", id_, id, p->failure);
      remove(*p, true);
    }
  }
  if (now - last_speaker_update_ >= options_.speaker_interval_ms) {
    last_speaker_update_ = now;
    if (const auto key = speakers_.update(now)) {
      for (auto& [id, p] : participants_) {
        if (p->key == *key && speaker_ != id) {
          speaker_ = id;
          std::erase(recent_speakers_, id);
          recent_speakers_.insert(recent_speakers_.begin(), id);
          if (recent_speakers_.size() > 64) recent_speakers_.pop_back();
          for (auto& [other_id, other] : participants_) other->allocation_dirty = true;
          RoomEvent e;
          e.type = RoomEvent::Type::Speaker;
          e.room_id = id_;
          e.speaker = id;
          host_.emit(std::move(e));
        }
      }
    }
  }
  adapt(now);
  flush_offers();
}

void Room::close() {
  for (auto& [id, p] : participants_) destroy_transports(*p);
  participants_.clear();
}

void Room::error(const std::string& participant_id, std::string code, std::string message,
                 std::string ref) {
  RoomEvent e;
  e.type = RoomEvent::Type::Error;
  e.room_id = id_;
  e.participant_id = participant_id;
  e.code = std::move(code);
  e.message = std::move(message);
  e.ref = std::move(ref);
  host_.emit(std::move(e));
}

bool Room::scratch_has_ssrc_of(const DownTrack& down, std::size_t size) const {
  if (size < 12) return false;
  const std::uint8_t* b = scratch_.data();
  const std::uint32_t ssrc = (std::uint32_t{b[8]} << 24) | (std::uint32_t{b[9]} << 16) |
                             (std::uint32_t{b[10]} << 8) | b[11];
  return ssrc == down.ssrc();
}

bool Room::send_down(DownTrack& down, std::size_t size, std::int64_t now_us, int probe_cluster,
                     bool resend) {
  SendSide* send = down.send_side();
  // A resend under the packet's own SSRC goes out exactly as stored (its first transmission's
  // transport-wide number included): same SRTP index, same bytes (DownTrack::sent_as).
  if (send != nullptr && !resend) {
    const auto packet = std::span(scratch_).first(size);
    send->on_send(packet, probe_cluster, now_us);
    if (scratch_has_ssrc_of(down, size)) down.sent_as(packet);
  }
  return down.output().send_rtp(scratch_, size);
}

void Room::send_publisher_feedback(Participant& p) {
  if (!p.twcc || !p.publish || p.publish->state() != rtc::transport::TransportState::Connected) {
    return;
  }
  const std::int64_t now_us = steady_now_us();
  if (!p.twcc->feedback_due(now_us)) return;
  if (!p.tracks.empty()) p.twcc->set_media_ssrc(p.tracks.front()->ssrc());
  for (auto& feedback : p.twcc->build_feedback(now_us)) {
    const rtc::rtcp::RtcpPacket packet = std::move(feedback);
    send_rtcp(*p.publish, rtc::rtcp::serialize_rtcp(std::span(&packet, 1)));
  }
}

std::span<std::uint8_t> Room::writable() {
  return std::span(scratch_).first(scratch_.size() - rtc::srtp::kSrtpMaxOverhead);
}

void Room::send_rtcp(rtc::transport::WebRtcTransport& transport,
                     std::span<const std::uint8_t> compound) {
  if (compound.size() + rtc::srtp::kSrtpMaxOverhead > scratch_.size()) return;
  std::memcpy(scratch_.data(), compound.data(), compound.size());
  transport.send_rtcp(scratch_, compound.size());
}

}  // namespace bailanys::sfu
