// Adaptive quality (issue 5; docs/PROTOCOL.md, "Media"): what a subscriber shows (media.view),
// its own choices (media.prefs), the owner's cap for the room (media.cap), and the SFU's answers:
// everyone's connection quality (media.quality) and what one subscriber receives of each video
// track (media.receiving).
#include "signaling/hub.hpp"

#include <algorithm>
#include <cmath>

namespace bailanys::signaling {

namespace {

constexpr std::size_t kMaxTiles = 64;
constexpr std::size_t kMaxPinned = 16;
constexpr std::uint64_t kMaxTileHeight = 4320;  // 8K

std::string_view level_name(sfu::QualityLevel level) {
  switch (level) {
    case sfu::QualityLevel::Good: return "good";
    case sfu::QualityLevel::Fair: return "fair";
    case sfu::QualityLevel::Poor: return "poor";
  }
  return "good";
}

// One decimal, and never NaN (which JSON cannot carry) or outside 0-100.
double loss_json(double loss_pct) {
  if (!std::isfinite(loss_pct)) return 0;
  return std::round(std::clamp(loss_pct, 0.0, 100.0) * 10) / 10;
}

}  // namespace

bool Hub::in_room(store::Id room_id, const std::string& participant_id) const {
  const auto it = participants_.find(participant_id);
  return it != participants_.end() && it->second.room_id == room_id;
}

sfu::VideoCap Hub::media_cap_of(store::Id room_id) const {
  const auto room = rooms_.find(room_id);
  return room == rooms_.end() ? sfu::VideoCap::High : room->second.media_cap;
}

void Hub::media_view(ConnId id, Participant& p, const nlohmann::json& msg) {
  static const std::string kRef = "media.view";
  const auto tiles = msg.find("tiles");
  if (tiles == msg.end() || !tiles->is_array()) {
    return send(id, error_event("invalid_message", "media.view needs a tiles array", kRef));
  }
  if (tiles->size() > kMaxTiles) {
    return send(id, error_event("invalid_message", "media.view holds at most 64 tiles", kRef));
  }
  std::vector<sfu::TileView> view;
  for (const auto& tile : *tiles) {
    const auto who = tile.is_object() ? tile.find("participantId") : tile.end();
    const auto source = tile.is_object() ? tile.find("source") : tile.end();
    const auto height = tile.is_object() ? tile.find("height") : tile.end();
    if (!tile.is_object() || who == tile.end() || !who->is_string() || source == tile.end() ||
        !source->is_string() || (*source != "camera" && *source != "screen") ||
        height == tile.end() || !height->is_number_unsigned() ||
        height->get<std::uint64_t>() > kMaxTileHeight) {
      return send(id, error_event("invalid_message",
                                  "a tile is {participantId, source: camera or screen, "
                                  "height: 0-4320}",
                                  kRef));
    }
    // Someone who just left (or the sender itself) has nothing to show: dropped.
    const auto& pid = who->get_ref<const std::string&>();
    if (pid == p.view.id || !in_room(p.room_id, pid)) continue;
    const auto& src = source->get_ref<const std::string&>();
    const auto h = static_cast<std::uint32_t>(height->get<std::uint64_t>());
    const auto same = std::find_if(view.begin(), view.end(), [&](const sfu::TileView& t) {
      return t.participant_id == pid && t.source == src;
    });
    if (same != view.end()) {
      same->height = std::max(same->height, h);  // shown twice: the larger tile counts
    } else {
      view.push_back({pid, src, h});
    }
  }
  if (!p.media_joined || media_ == nullptr) {
    return send(id, error_event("invalid_message", "send media.join first", kRef));
  }
  media_->set_view(p.room_id, p.view.id, std::move(view));
}

void Hub::media_prefs(ConnId id, Participant& p, const nlohmann::json& msg) {
  static const std::string kRef = "media.prefs";
  const auto audio_only = msg.find("audioOnly");
  const auto pinned = msg.find("pinned");
  if (audio_only != msg.end() && !audio_only->is_boolean()) {
    return send(id, error_event("invalid_message", "audioOnly is true or false", kRef));
  }
  if (pinned != msg.end() &&
      (!pinned->is_array() || pinned->size() > kMaxPinned ||
       !std::all_of(pinned->begin(), pinned->end(), [](const auto& v) { return v.is_string(); }))) {
    return send(id, error_event("invalid_message",
                                "pinned is a list of at most 16 participant ids", kRef));
  }
  if (!p.media_joined || media_ == nullptr) {
    return send(id, error_event("invalid_message", "send media.join first", kRef));
  }
  // A missing field keeps its value.
  if (audio_only != msg.end()) p.prefs.audio_only = audio_only->get<bool>();
  if (pinned != msg.end()) {
    p.prefs.pinned.clear();
    for (const auto& v : *pinned) {
      const auto& pid = v.get_ref<const std::string&>();
      if (pid != p.view.id && in_room(p.room_id, pid) &&
          std::find(p.prefs.pinned.begin(), p.prefs.pinned.end(), pid) == p.prefs.pinned.end()) {
        p.prefs.pinned.push_back(pid);
      }
    }
  }
  std::erase_if(p.prefs.pinned, [&](const std::string& pid) { return !in_room(p.room_id, pid); });
  media_->set_receive_prefs(p.room_id, p.view.id, p.prefs);
}

void Hub::media_cap(ConnId id, Participant& p, const nlohmann::json& msg) {
  static const std::string kRef = "media.cap";
  const auto quality = msg.find("quality");
  std::optional<sfu::VideoCap> cap;
  if (quality != msg.end() && quality->is_string()) {
    cap = parse_video_cap(quality->get_ref<const std::string&>());
  }
  if (!cap) {
    return send(id, error_event("invalid_message", "media.cap needs a quality: low, medium or high",
                                kRef));
  }
  if (!p.media_joined || media_ == nullptr) {
    return send(id, error_event("invalid_message", "send media.join first", kRef));
  }
  if (!p.view.is_owner) {
    return send(id, error_event("forbidden", "only the room's owner can cap its video quality",
                                kRef));
  }
  const auto room = rooms_.find(p.room_id);
  if (room == rooms_.end()) return;
  room->second.media_cap = *cap;
  media_->set_video_cap(p.room_id, *cap);
  broadcast_media(p.room_id,
                  event("media.cap", {{"quality", video_cap_name(*cap)}, {"by", p.view.id}}));
}

void Hub::apply_quality_settings(Participant& p) {
  if (media_ == nullptr) return;
  if (const auto cap = media_cap_of(p.room_id); cap != sfu::VideoCap::High) {
    media_->set_video_cap(p.room_id, cap);
  }
  std::erase_if(p.prefs.pinned, [&](const std::string& pid) { return !in_room(p.room_id, pid); });
  if (p.prefs.audio_only || !p.prefs.pinned.empty()) {
    media_->set_receive_prefs(p.room_id, p.view.id, p.prefs);
  }
}

void Hub::on_quality_event(const sfu::RoomEvent& e) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& q : e.quality) {
    list.push_back({{"participantId", q.participant_id},
                    {"level", level_name(q.level)},
                    {"lossPct", loss_json(q.loss_pct)},
                    {"rttMs", q.rtt_ms},
                    {"downlinkKbps", q.downlink_kbps}});
  }
  const std::string frame = event("media.quality", {{"participants", std::move(list)}});
  if (e.participant_id.empty()) return broadcast_media(e.room_id, frame);
  // Addressed to one participant.
  const auto it = participants_.find(e.participant_id);
  if (it == participants_.end() || it->second.room_id != e.room_id ||
      it->second.protocol < kMediaProtocolVersion) {
    return;
  }
  send_to_participant(e.participant_id, frame);
}

void Hub::on_receiving_event(Participant& p, const sfu::RoomEvent& e) {
  if (!p.media_joined) return;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : e.receiving) {
    const bool on = t.paused == sfu::PauseReason::None;
    list.push_back({{"mid", t.mid},
                    {"participantId", t.participant_id},
                    {"source", t.source},
                    {"state", on ? "on" : "paused"},
                    {"reason", on ? nlohmann::json() : nlohmann::json(sfu::to_string(t.paused))},
                    {"layer", t.layer},
                    {"layers", t.layers},
                    {"height", t.height}});
  }
  auto frame = event("media.receiving", {{"tracks", std::move(list)}});
  if (p.receiving == frame) return;  // nothing changed
  p.receiving = frame;
  send_to_participant(p.view.id, frame);
}

}  // namespace bailanys::signaling
