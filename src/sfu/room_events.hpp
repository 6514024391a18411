// What the media workers tell the control thread about rooms (issue 4): offers and answers to
// relay to a participant's socket, errors, the active speaker, and transport state. Plain data,
// copied across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bailanys::sfu {

using RoomId = std::int64_t;

// One active m-section of a receive offer: whose track it carries.
struct OfferedTrackInfo {
  std::string mid;
  std::string participant_id;
  std::string source;  // mic, camera, screen
  bool video = false;
};

struct RoomEvent {
  enum class Type : std::uint8_t {
    SubscribeOffer,  // sdp, version, tracks
    PublishAnswer,   // sdp
    Error,           // code, message, ref
    Speaker,         // speaker (empty: nobody)
    MediaState,      // connected: the participant's media is (not) reaching the server
    MediaFailed,     // the participant's transports failed (consent expired); media is gone
  };
  Type type = Type::Error;
  RoomId room_id = 0;
  std::string participant_id;
  std::string sdp;
  std::uint64_t version = 0;
  std::vector<OfferedTrackInfo> tracks;
  std::string code, message, ref;
  std::optional<std::string> speaker;
  bool connected = true;
};

// Called on a media worker's thread; the receiver posts to its own thread.
using RoomEventSink = std::function<void(RoomEvent)>;

// mid of a publish m-section -> source ("mic", "camera", "screen").
using TrackSources = std::map<std::string, std::string>;

}  // namespace bailanys::sfu
