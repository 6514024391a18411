// The command API the control thread uses to reach the media workers (api/ and signaling/
// include this, never the workers themselves). Calls return at once; results arrive through
// the callback, on a media worker's thread.
#pragma once

#include "sfu/room_events.hpp"

#include <functional>
#include <string>

namespace bailanys::sfu {

struct EchoRequest {
  std::string offer_sdp;
  bool tcp_only = false;  // announce only the ICE-TCP candidate (networks that block UDP)
};

struct EchoResult {
  int status = 200;  // HTTP-like: 200, 400 (bad offer), 503 (full or stopping)
  std::string answer_sdp;
  std::string session_id;
  std::string error_code;     // invalid_sdp, too_many_sessions, media_unavailable
  std::string error_message;  // a sentence for the log and the developer console
};

class MediaService {
 public:
  virtual ~MediaService() = default;
  // Starts an echo session: the browser's media comes back to it through the whole stack.
  virtual void start_echo(EchoRequest request, std::function<void(EchoResult)> done) = 0;

  // Rooms (docs/PROTOCOL.md, "Media"). A room lives on one worker; these post to it and the
  // results come back through the sink given to set_room_event_sink (before start).
  virtual void set_room_event_sink(RoomEventSink sink) = 0;
  // (Re)starts a participant's media: drops its earlier transports, makes a receive transport
  // and sends the first subscribe offer.
  virtual void join_media(RoomId room, std::string participant_id) = 0;
  virtual void leave_media(RoomId room, std::string participant_id) = 0;
  virtual void publish(RoomId room, std::string participant_id, std::string offer_sdp,
                       TrackSources sources) = 0;
  virtual void subscribe_answer(RoomId room, std::string participant_id, std::string answer_sdp,
                                std::uint64_t version) = 0;
  // Adaptive quality (issue 5): which tiles the subscriber shows and how large (replaces the
  // previous view; tracks not listed count as visible thumbnails), its own preferences, and the
  // owner's cap for the room.
  virtual void set_view(RoomId room, std::string participant_id, std::vector<TileView> tiles) = 0;
  virtual void set_receive_prefs(RoomId room, std::string participant_id, ReceivePrefs prefs) = 0;
  virtual void set_video_cap(RoomId room, VideoCap cap) = 0;
};

}  // namespace bailanys::sfu
