// What the media workers tell the control thread about rooms (issue 4): offers and answers to
// relay to a participant's socket, errors, the active speaker, and transport state. Plain data,
// copied across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// How well one participant's media gets through (issue 5): its downlink as the server's
// bandwidth estimator sees it, and loss on both directions. Sent to the whole room.
enum class QualityLevel : std::uint8_t { Good, Fair, Poor };
struct ParticipantQuality {
  std::string participant_id;
  QualityLevel level = QualityLevel::Good;
  double loss_pct = 0;           // the worse of uplink (publisher -> server) and downlink loss
  std::uint32_t rtt_ms = 0;      // server <-> participant round trip (0 = not measured yet)
  std::uint32_t downlink_kbps = 0;  // the server's estimate of what reaches this participant
};

// Why a video track a participant could receive is not being sent to it.
enum class PauseReason : std::uint8_t {
  None,       // sent
  Bandwidth,  // the subscriber's downlink does not fit even the lowest layer
  Hidden,     // the tile is not on screen (view height 0)
  LastN,      // more visible video than the room's last-N limit; not among the N
  AudioOnly,  // the subscriber asked for audio only
};
// Its name in media.receiving (docs/PROTOCOL.md). Inline: signaling uses it without the SFU library.
inline std::string_view to_string(PauseReason reason) {
  switch (reason) {
    case PauseReason::None: return "none";
    case PauseReason::Bandwidth: return "bandwidth";
    case PauseReason::Hidden: return "hidden";
    case PauseReason::LastN: return "lastN";
    case PauseReason::AudioOnly: return "audioOnly";
  }
  return "none";
}

// What one subscriber is receiving of one video track.
struct ReceivingTrack {
  std::string mid;  // in the subscriber's receive session
  std::string participant_id;
  std::string source;  // camera, screen
  PauseReason paused = PauseReason::None;
  int layer = 0;       // simulcast layer sent (0 = lowest); meaningful when not paused
  int layers = 1;      // layers the publisher sends
  std::uint32_t height = 0;  // pixel height of the layer sent, when known (VP8 keyframes)
  friend bool operator==(const ReceivingTrack&, const ReceivingTrack&) = default;
};

struct RoomEvent {
  enum class Type : std::uint8_t {
    SubscribeOffer,  // sdp, version, tracks
    PublishAnswer,   // sdp
    Error,           // code, message, ref
    Speaker,         // speaker (empty: nobody)
    MediaState,      // connected: the participant's media is (not) reaching the server
    MediaFailed,     // the participant's transports failed (consent expired); media is gone
    Quality,         // quality: every participant's (to the whole room; participant_id empty)
    Receiving,       // receiving: what participant_id now gets of each video track
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
  std::vector<ParticipantQuality> quality;
  std::vector<ReceivingTrack> receiving;
};

// Called on a media worker's thread; the receiver posts to its own thread.
using RoomEventSink = std::function<void(RoomEvent)>;

// mid of a publish m-section -> source ("mic", "camera", "screen").
using TrackSources = std::map<std::string, std::string>;

// One tile a subscriber shows (media.view): how tall it is on screen, in device pixels.
// Height 0 = not visible (scrolled away, another page, minimised).
struct TileView {
  std::string participant_id;
  std::string source;  // camera, screen
  std::uint32_t height = 0;
};

// A subscriber's own choices (media.prefs).
struct ReceivePrefs {
  bool audio_only = false;          // no video at all (the weakest links)
  std::vector<std::string> pinned;  // participants whose camera is kept whatever last-N says
};

// The room owner's cap on camera quality for everyone (media.cap). Screen shares are not capped.
enum class VideoCap : std::uint8_t { Low, Medium, High };  // top simulcast layer 0, 1, 2

}  // namespace bailanys::sfu
