// JSON frames of the live protocol (docs/PROTOCOL.md): parsing of client
// messages and building of server events.
#pragma once

#include "sfu/room_events.hpp"
#include "store/store.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace bailanys::signaling {

// 1: chat and presence; 2: + media through the SFU (docs/PROTOCOL.md).
inline constexpr int kProtocolVersion = 2;
inline constexpr int kMediaProtocolVersion = 2;

struct ParticipantView {
  std::string id;
  std::string name;
  std::optional<store::Id> user_id;
  bool is_owner = false;
  bool online = true;           // the socket is connected
  bool media_connected = true;  // no transport of the participant has lost ICE consent
  store::TimeMs joined_at = 0;
  // What the participant sends now (media.state).
  bool mic = false, camera = false, screen = false;
};

nlohmann::json participant_json(const ParticipantView& p);
// {"type":"error","code":…,"message":…} (+ "ref" when given).
std::string error_event(std::string_view code, std::string_view message,
                        std::optional<std::string> ref = std::nullopt);
std::string rate_limited_event(long long retry_after_s, std::optional<std::string> ref);
std::string event(std::string_view type, nlohmann::json fields);

// media.cap's "quality": "low", "medium", "high".
std::string_view video_cap_name(sfu::VideoCap cap);
std::optional<sfu::VideoCap> parse_video_cap(std::string_view name);

}  // namespace bailanys::signaling
