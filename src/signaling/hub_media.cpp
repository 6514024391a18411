// The media messages of protocol version 2 (docs/PROTOCOL.md, "Media"): the hub checks them and
// passes them to the room's media worker through sfu::MediaService; the worker's RoomEvents come
// back here (on the control thread) and go out on the participants' sockets.
#include "signaling/hub.hpp"

#include <spdlog/spdlog.h>

namespace bailanys::signaling {

namespace {

bool valid_source(const std::string& s) { return s == "mic" || s == "camera" || s == "screen"; }

nlohmann::json tracks_json(const std::vector<sfu::OfferedTrackInfo>& tracks) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tracks) {
    list.push_back({{"mid", t.mid},
                    {"participantId", t.participant_id},
                    {"source", t.source},
                    {"kind", t.video ? "video" : "audio"}});
  }
  return list;
}

}  // namespace

void Hub::handle_media(ConnId id, Conn& conn, const std::string& type, const nlohmann::json& msg) {
  auto pit = participants_.find(conn.participant_id);
  if (pit == participants_.end()) return;
  Participant& p = pit->second;
  if (p.protocol < kMediaProtocolVersion) {
    return bad_frame(id, conn, "unknown_type", "media messages need protocol version 2 in hello");
  }
  conn.bad_frames = 0;
  if (const auto d = media_by_participant_.take(p.view.id, clock_.steady()); !d.allowed) {
    return send(id, rate_limited_event((d.retry_after_ms + 999) / 1000, type));
  }
  if (type == "media.join") return media_join(id, p);
  if (type == "media.publish") return media_publish(id, p, msg);
  if (type == "media.subscribeAnswer") return media_answer(id, p, msg);
  if (type == "media.state") return media_state(id, p, msg);
  if (type == "media.view") return media_view(id, p, msg);
  if (type == "media.prefs") return media_prefs(id, p, msg);
  if (type == "media.cap") return media_cap(id, p, msg);
  bad_frame(id, conn, "unknown_type", "unknown message type");
}

void Hub::media_join(ConnId id, Participant& p) {
  if (media_ == nullptr) {
    return send(id, error_event("media_unavailable", "this server has no media", "media.join"));
  }
  if (!p.media_joined && media_participants(p.room_id) >= options_.max_media_participants) {
    return send(id, error_event("media_full",
                                "this room has as many people with audio and video as the server "
                                "allows; chat still works",
                                "media.join"));
  }
  p.media_joined = true;
  p.pending_offer.reset();
  p.receiving.reset();
  media_->join_media(p.room_id, p.view.id);
  // The media room may have been created just now, and the worker forgot the participant's
  // earlier prefs: the room's cap and this participant's prefs are applied again.
  apply_quality_settings(p);
}

void Hub::media_publish(ConnId id, Participant& p, const nlohmann::json& msg) {
  static const std::string kRef = "media.publish";
  const auto sdp = msg.find("sdp");
  const auto tracks = msg.find("tracks");
  if (sdp == msg.end() || !sdp->is_string() || tracks == msg.end() || !tracks->is_object()) {
    return send(id, error_event("invalid_message", "media.publish needs sdp and tracks", kRef));
  }
  if (!p.media_joined || media_ == nullptr) {
    return send(id, error_event("invalid_message", "send media.join before media.publish", kRef));
  }
  sfu::TrackSources sources;
  std::vector<std::string> seen;
  for (const auto& [mid, source] : tracks->items()) {
    if (!source.is_string() || !valid_source(source.get<std::string>())) {
      return send(id, error_event("invalid_message",
                                  "a track's source is mic, camera or screen", kRef));
    }
    const auto name = source.get<std::string>();
    if (mid.empty() || mid.size() > 32 || std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return send(id, error_event("invalid_message",
                                  "tracks needs one mid per source, at most one track per source",
                                  kRef));
    }
    seen.push_back(name);
    sources.emplace(mid, name);
  }
  media_->publish(p.room_id, p.view.id, sdp->get<std::string>(), std::move(sources));
}

void Hub::media_answer(ConnId id, Participant& p, const nlohmann::json& msg) {
  static const std::string kRef = "media.subscribeAnswer";
  const auto sdp = msg.find("sdp");
  const auto version = msg.find("version");
  if (sdp == msg.end() || !sdp->is_string() || version == msg.end() ||
      !version->is_number_unsigned()) {
    return send(id, error_event("invalid_message", "media.subscribeAnswer needs sdp and version",
                                kRef));
  }
  if (!p.media_joined || media_ == nullptr) {
    return send(id, error_event("invalid_message", "send media.join first", kRef));
  }
  // The worker checks that the version is its latest offer's.
  p.pending_offer.reset();
  media_->subscribe_answer(p.room_id, p.view.id, sdp->get<std::string>(),
                           version->get<std::uint64_t>());
}

void Hub::media_state(ConnId id, Participant& p, const nlohmann::json& msg) {
  for (const char* key : {"mic", "camera", "screen"}) {
    const auto it = msg.find(key);
    if (it != msg.end() && !it->is_boolean()) {
      return send(id, error_event("invalid_message", "mic, camera and screen are true or false",
                                  "media.state"));
    }
  }
  bool changed = false;
  for (auto [key, field] : {std::pair{"mic", &p.view.mic}, std::pair{"camera", &p.view.camera},
                            std::pair{"screen", &p.view.screen}}) {
    const auto it = msg.find(key);
    if (it != msg.end() && it->is_boolean() && it->get<bool>() != *field) {
      *field = it->get<bool>();
      changed = true;
    }
  }
  if (!changed) return;
  broadcast(p.room_id, event("participant-updated", {{"participant", participant_json(p.view)}}));
}

void Hub::media_leave(Participant& p) {
  if (!p.media_joined) return;
  p.media_joined = false;
  p.pending_offer.reset();
  p.receiving.reset();
  if (media_ != nullptr) media_->leave_media(p.room_id, p.view.id);
}

int Hub::media_participants(store::Id room_id) const {
  const auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return 0;
  int count = 0;
  for (const auto& pid : room->second.participant_ids) {
    if (participants_.at(pid).media_joined) ++count;
  }
  return count;
}

void Hub::broadcast_media(store::Id room_id, const std::string& frame) {
  const auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return;
  for (const auto& pid : room->second.participant_ids) {
    if (participants_.at(pid).protocol >= kMediaProtocolVersion) send_to_participant(pid, frame);
  }
}

void Hub::on_media_event(const sfu::RoomEvent& e) {
  using Type = sfu::RoomEvent::Type;
  if (e.type == Type::Quality) return on_quality_event(e);
  if (e.type == Type::Speaker) {
    return broadcast_media(e.room_id, event("media.speaker", {{"participantId",
                                                               e.speaker ? nlohmann::json(*e.speaker)
                                                                         : nlohmann::json()}}));
  }
  const auto it = participants_.find(e.participant_id);
  // Events for a participant who left meanwhile, or rejoined another room, are stale.
  if (it == participants_.end() || it->second.room_id != e.room_id) return;
  Participant& p = it->second;
  switch (e.type) {
    case Type::SubscribeOffer: {
      if (!p.media_joined) return;
      auto frame = event("media.subscribeOffer",
                         {{"sdp", e.sdp}, {"version", e.version}, {"tracks", tracks_json(e.tracks)}});
      p.pending_offer = frame;
      return send_to_participant(p.view.id, frame);
    }
    case Type::PublishAnswer:
      return send_to_participant(p.view.id, event("media.publishAnswer", {{"sdp", e.sdp}}));
    case Type::Error:
      return send_to_participant(p.view.id, error_event(e.code, e.message, e.ref));
    case Type::MediaState: {
      if (p.view.media_connected == e.connected) return;
      p.view.media_connected = e.connected;
      return broadcast(p.room_id,
                       event("participant-updated", {{"participant", participant_json(p.view)}}));
    }
    case Type::MediaFailed: {
      p.media_joined = false;
      p.pending_offer.reset();
      p.receiving.reset();
      if (!p.conn) {
        // Socket and media both gone: the consent timeout ends the participant. (A copy of
        // the id: remove_participant erases the participant that holds it.)
        const std::string pid = p.view.id;
        return remove_participant(pid, "timeout");
      }
      p.view.media_connected = true;
      p.view.mic = p.view.camera = p.view.screen = false;
      broadcast(p.room_id, event("participant-updated", {{"participant", participant_json(p.view)}}));
      return send_to_participant(
          p.view.id, error_event("media_failed", "the media connection was lost: " + e.message,
                                 "media.join"));
    }
    case Type::Receiving:
      return on_receiving_event(p, e);
    case Type::Speaker:
    case Type::Quality:
      return;
  }
}

}  // namespace bailanys::signaling
